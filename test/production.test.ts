import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * What operators run, built from this checkout: the bundle (npm start, the switchboard command, Docker)
 * and the single binary. Both run compiled JavaScript with no TypeScript loader.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function collectOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  return () => output;
}

async function run(file: string, args: string[], options: SpawnOptions): Promise<{ code: number | null; output: string }> {
  const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output: output() };
}

/** The last /healthz status (0: no answer) once it is 200, the server has exited, or time is up. */
async function pollHealth(url: string, server: ChildProcess, ms: number): Promise<number> {
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
async function servesAndStops(
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

describe('bundle', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'switchboard-bundle-'));
  const work = join(tmp, 'work');
  const bundle = join(root, 'dist', 'switchboard.mjs');
  const record = join(root, 'dist', 'switchboard.inputs.json');
  const build = (...args: string[]) => run(process.execPath, ['scripts/build.mjs', ...args], { cwd: root });
  // Nothing inherited from the test runner: its NODE_OPTIONS would load tsx, and the bundle must run without it.
  const env = {};

  before(
    async () => {
      mkdirSync(work);
      const built = await build();
      assert.equal(built.code, 0, built.output);
    },
    { timeout: 60_000 },
  );
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('serves /healthz with node and stops cleanly on SIGTERM', async (t) => {
    const output = await servesAndStops(t, process.execPath, [bundle], { work, data: join(tmp, 'data') }, env);
    assert.match(output, /"msg":"stopped cleanly"/, 'JSON log lines when stdout is not a terminal');
  });

  it('the switchboard command runs the bundle', async () => {
    const result = await run(process.execPath, [join(root, 'bin', 'switchboard.mjs'), 'check-config'], { cwd: work, env });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /OK/);
  });

  it('--if-stale builds only after a source changed', { timeout: 60_000 }, async () => {
    const builtAt = statSync(bundle).mtimeMs;
    const fresh = await build('--if-stale');
    assert.equal(fresh.code, 0, fresh.output);
    assert.match(fresh.output, /up to date/);
    assert.equal(statSync(bundle).mtimeMs, builtAt);

    // As if every input had been saved after the build started.
    const { inputs } = JSON.parse(readFileSync(record, 'utf8')) as { inputs: string[] };
    writeFileSync(record, JSON.stringify({ started: 0, inputs }));
    const stale = await build('--if-stale');
    assert.equal(stale.code, 0, stale.output);
    assert.match(stale.output, /built in/);
  });
});

describe('single binary', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'switchboard-binary-'));
  const binary = join(tmp, 'bin', 'switchboard');
  const work = join(tmp, 'work');
  const cacheDir = join(tmp, 'cache');
  // Nothing inherited from the test runner: NODE_OPTIONS (--import tsx) would reach the binary's Node too.
  const env = { TMPDIR: cacheDir };

  before(
    async () => {
      mkdirSync(work);
      mkdirSync(cacheDir);
      const build = await run(process.execPath, ['scripts/build-binary.mjs', '--out', join(tmp, 'bin')], { cwd: root });
      assert.equal(build.code, 0, build.output);
    },
    { timeout: 60_000 },
  );
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('check-config exits 0 with the built-in defaults', async () => {
    const result = await run(binary, ['check-config'], { cwd: work, env });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /OK/);
  });

  it('an unknown command exits 2', async () => {
    const result = await run(binary, ['no-such-command'], { cwd: work, env });
    assert.equal(result.code, 2, result.output);
  });

  it('serves /healthz from an empty folder and stops cleanly on SIGTERM', async (t) => {
    await servesAndStops(t, binary, [], { work, data: join(tmp, 'data') }, env);
    assert.ok(readdirSync(cacheDir).some((name) => name.startsWith('switchboard-')), 'assets unpacked under TMPDIR');
  });
});
