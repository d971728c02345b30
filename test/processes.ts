import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

// For tests (and benches) that start a built program, the bundle or the single binary, as its own process.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function collectOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

export async function run(
  file: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output: output() };
}

/** The last /healthz status (0: no answer) once it is 200, the server has exited, or time is up. */
export async function pollHealth(url: string, server: ChildProcess, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let status = 0;
  while (status !== 200 && server.exitCode === null && Date.now() < deadline) {
    status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      async (res) => (await res.arrayBuffer(), res.status),
      () => 0,
    );
    if (status !== 200) await delay(200);
  }
  return status;
}

/**
 * Starts `serve` in an empty working folder, waits for /healthz, checks where the database went and that the
 * working folder stayed empty, then stops it with SIGTERM, which must end it cleanly.
 */
export async function servesAndStops(
  t: { after: (fn: () => void) => void },
  command: string,
  args: string[],
  dirs: { work: string; data: string },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const port = await freePort();
  const server = spawn(command, [...args, 'serve'], {
    cwd: dirs.work,
    env: { ...env, SWITCHBOARD_DATA: dirs.data, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(server);
  const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.after(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  });

  assert.equal(await pollHealth(`http://127.0.0.1:${port}/healthz`, server, 30_000), 200, output());
  assert.ok(existsSync(join(dirs.data, 'switchboard.db')), 'database file in the data folder');
  assert.deepEqual(readdirSync(dirs.work), [], 'nothing written to the working folder');

  server.kill('SIGTERM');
  const [code, signal] = await exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, output());
  return output();
}
