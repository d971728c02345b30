import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sandboxWanted } from '../channels/start.ts';
import { secretProblems } from '../config/secrets.ts';
import type { Settings } from './settings.ts';

/** Start-up cannot go on: one line saying what is wrong and what to do, printed without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** What an operator reads when the HTTP server cannot listen: the address, the cause, the setting to change. */
export function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `port ${port} on ${host}`;
  if (err.code === 'EADDRINUSE')
    return new StartupError(`${where} is in use; stop the other process or set server.port / PORT`);
  if (err.code === 'EACCES')
    return new StartupError(
      `${where} needs privileges this user lacks; use a port above 1023 (server.port / PORT) or a proxy in front`,
    );
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new StartupError(
      `cannot listen on ${host}: no such address on this machine (${err.code}); set server.host / HOST`,
    );
  }
  return err;
}

/** Binds the address and lets it go again, so a taken port stops the start before anything is written. */
async function checkPort(host: string, port: number, problem: (err: NodeJS.ErrnoException) => Error): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err) => reject(problem(err)));
    probe.listen({ host, port }, () => probe.close(() => resolve()));
  });
}

const sandboxPortProblem = (port: number) => (err: NodeJS.ErrnoException) =>
  err.code === 'EADDRINUSE'
    ? new StartupError(
        `the sandbox's port ${port} on 127.0.0.1 is in use; stop the other process or set sandbox.port (0: any free port)`,
      )
    : err;

/** The data folder exists or can be made, and takes a file: SQLite's own error would name neither path nor cause. */
function checkDataDir(dir: string): void {
  const fix = 'set server.data_dir / SWITCHBOARD_DATA / --data to a folder this user may write';
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === 'ENOTDIR' || code === 'EEXIST' ? 'a part of the path is a file' : code;
    throw new StartupError(`data folder ${dir} cannot be created (${cause}); ${fix}`);
  }
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'probe');
    rmSync(probe);
  } catch (err) {
    throw new StartupError(
      `data folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code}); give this user write access or ${fix}`,
    );
  }
}

/** The configuration's secrets are in the environment: what `check-config` checks beyond the file. */
export function checkSecrets(settings: Settings, env: NodeJS.ProcessEnv = process.env): void {
  const problems = secretProblems(settings.config, env);
  if (problems.length)
    throw new StartupError(`${problems.join('; ')}; set them (systemd: EnvironmentFile) or put the secret in the file`);
}

/**
 * Everything that can stop a start, checked before the database is opened or a channel starts. The port comes
 * before the data folder, whose check writes: a second instance on a taken port leaves no trace.
 */
export async function preflight(settings: Settings): Promise<void> {
  checkSecrets(settings);
  await checkPort(settings.host, settings.port, (err) => listenProblem(err, settings.host, settings.port));
  const { sandbox } = settings.config;
  if (sandboxWanted(settings.config, settings.configFile))
    await checkPort('127.0.0.1', sandbox.port, sandboxPortProblem(sandbox.port));
  checkDataDir(settings.dataDir);
}
