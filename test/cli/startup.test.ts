import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../tmp.ts';
import { CLI, run, type Result } from './run.ts';

const tmp = () => tempDir('switchboard-startup-');

function listenOn(port = 0): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

/** A failed start says one thing, on one line, without a stack trace. */
function assertOneLine(res: Result, pattern: RegExp): void {
  assert.equal(res.code, 1, res.stderr);
  const lines = res.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${res.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at /);
}

/**
 * Runs `serve` and waits for it to end by itself: within 5 s of saying what is wrong (the start through tsx on a
 * busy machine takes longer than that by itself), so a failed start cannot leave the process running.
 */
function serveExpectingExit(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Result> {
  const child = spawn(process.execPath, [...CLI, 'serve', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => (child.kill('SIGKILL'), reject(new Error(`${why}; stderr: ${stderr}`)));
    const startTimer = setTimeout(() => fail('no failure within 90 s'), 90_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.once('data', () =>
      setTimeout(() => fail('still running 5 s after reporting the failure'), 5_000).unref(),
    );
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (clearTimeout(startTimer), resolve({ code, stdout, stderr })));
  });
}

test('a taken port stops serve within 5 s with one line naming port and fix; nothing is created', async (t) => {
  const cwd = tmp();
  const taken = await listenOn();
  t.after(() => taken.close());
  const port = portOf(taken);
  // Without a file the sandbox SMSC starts too: before this check it kept the process running without a web server.
  const res = await serveExpectingExit(['--data', 'data'], { cwd, env: { HOST: '127.0.0.1', PORT: String(port) } });
  assertOneLine(
    res,
    new RegExp(
      `^switchboard: port ${port} on 127\\.0\\.0\\.1 is in use; stop the other process or set server\\.port / PORT$`,
    ),
  );
  assert.equal(existsSync(join(cwd, 'data')), false, 'no data folder');
  assert.deepEqual(readdirSync(cwd), []);
});

test('a port taken after the checks passed (while migrating) still ends the process with exit 1', async (t) => {
  const cwd = tmp();
  const free = await listenOn();
  const port = portOf(free);
  await new Promise((r) => free.close(r));
  const ended = serveExpectingExit(['--data', 'data'], { cwd, env: { HOST: '127.0.0.1', PORT: String(port) } });
  let over = false;
  void ended.finally(() => (over = true)).catch(() => {});
  // The database appears once the checks passed, well before the server listens: take the port then.
  while (!over && !existsSync(join(cwd, 'data', 'switchboard.db'))) await new Promise((r) => setTimeout(r, 2));
  const taken = await listenOn(port);
  t.after(() => taken.close());
  const res = await ended;
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, new RegExp(`^switchboard: port ${port} on 127\\.0\\.0\\.1 is in use`));
});

test('an unset *_env secret stops serve before the database exists; check-config names each', async () => {
  const cwd = tmp();
  writeFileSync(
    join(cwd, 'sb.toml'),
    [
      '[[smpp]]',
      'name = "carrier"',
      'host = "127.0.0.1"',
      'system_id = "sb"',
      'password_env = "SB_TEST_SMPP_SECRET"',
      '[[mm7]]',
      'name = "mmsc"',
      'url = "http://127.0.0.1:9/mm7"',
      'vasp_id = "v"',
      'vas_id = "v"',
      'inbound_username = "carrier"',
      'inbound_password_env = "SB_TEST_MM7_INBOUND"',
    ].join('\n'),
  );
  const env = { HOST: '127.0.0.1', SB_TEST_SMPP_SECRET: undefined, SB_TEST_MM7_INBOUND: '' };
  const serve = await serveExpectingExit(['--config', 'sb.toml', '--data', 'data'], { cwd, env });
  assertOneLine(
    serve,
    /^switchboard: smpp\[0\]\.password_env names SB_TEST_SMPP_SECRET, which is not set .*; mm7\[0\]\.inbound_password_env names SB_TEST_MM7_INBOUND, which is not set/,
  );
  assert.equal(existsSync(join(cwd, 'data', 'switchboard.db')), false, 'no database');

  const check = await run(['check-config', '--config', 'sb.toml'], { cwd, env });
  assert.equal(check.code, 1);
  assert.match(check.stderr, /SB_TEST_SMPP_SECRET/);
  assert.match(check.stderr, /SB_TEST_MM7_INBOUND/);

  const short = await run(['check-config', '--config', 'sb.toml'], {
    cwd,
    env: { SB_TEST_SMPP_SECRET: 'x', SB_TEST_MM7_INBOUND: 'too short' },
  });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /SB_TEST_MM7_INBOUND, which must have at least 12 characters/);
  assert.doesNotMatch(short.stderr, /SB_TEST_SMPP_SECRET/);

  const good = await run(['check-config', '--config', 'sb.toml'], {
    cwd,
    env: { SB_TEST_SMPP_SECRET: 'x', SB_TEST_MM7_INBOUND: 'long enough secret' },
  });
  assert.equal(good.code, 0, good.stderr);
});

test('a data folder that cannot be made or written stops serve with its path', async () => {
  const cwd = tmp();
  // A path under a regular file fails for root as well, where permissions would not stop a write.
  writeFileSync(join(cwd, 'a-file'), '');
  const under = join(cwd, 'a-file', 'data');
  const res = await serveExpectingExit(['--data', under], { cwd, env: { HOST: '127.0.0.1' } });
  assertOneLine(
    res,
    new RegExp(
      `^switchboard: data folder ${under.replace(/[/.-]/g, '\\$&')} cannot be created \\(a part of the path is a file\\); set server\\.data_dir`,
    ),
  );

  if (process.getuid?.() === 0) return;
  const locked = join(cwd, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  const readOnly = await serveExpectingExit(['--data', locked], { cwd, env: { HOST: '127.0.0.1' } });
  assertOneLine(readOnly, /data folder .*locked is not writable \(EACCES\)/);
});

test('an [[smpp]] block named "sandbox" is refused while the sandbox is on', async () => {
  const cwd = tmp();
  writeFileSync(
    join(cwd, 'sb.toml'),
    '[sandbox]\nenabled = true\n[[smpp]]\nname = "sandbox"\nhost = "127.0.0.1"\nsystem_id = "sb"\npassword = "pw"\n',
  );
  const res = await run(['check-config', '--config', 'sb.toml'], { cwd });
  assert.equal(res.code, 1);
  assert.match(
    res.stderr,
    /smpp\[0\]\.name: "sandbox" is the built-in test SMSC's connection while sandbox\.enabled = true/,
  );
});
