import assert from 'node:assert/strict';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

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

describe('single binary', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'switchboard-binary-'));
  const binary = join(tmp, 'bin', 'switchboard');
  const workDir = join(tmp, 'work');
  const dataDir = join(tmp, 'data');
  const cacheDir = join(tmp, 'cache');
  // Nothing inherited from the test runner: NODE_OPTIONS (--import tsx) would reach the binary's Node too.
  const env = { SWITCHBOARD_DATA: dataDir, TMPDIR: cacheDir };

  before(
    async () => {
      mkdirSync(workDir);
      mkdirSync(cacheDir);
      const build = await run(process.execPath, ['scripts/build-binary.mjs', '--out', join(tmp, 'bin')], { cwd: root });
      assert.equal(build.code, 0, build.output);
    },
    { timeout: 60_000 },
  );
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('check-config exits 0 with the built-in defaults', async () => {
    const result = await run(binary, ['check-config'], { cwd: workDir, env });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /OK/);
  });

  it('an unknown command exits 2', async () => {
    const result = await run(binary, ['no-such-command'], { cwd: workDir, env });
    assert.equal(result.code, 2, result.output);
  });

  it('serves /healthz from an empty folder and stops cleanly on SIGTERM', async (t) => {
    const port = await freePort();
    const server = spawn(binary, ['serve'], {
      cwd: workDir,
      env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = collectOutput(server);
    const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    t.after(() => {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    });

    assert.equal(await pollHealth(`http://127.0.0.1:${port}/healthz`, server, 30_000), 200, output());
    assert.ok(existsSync(join(dataDir, 'switchboard.db')), 'database file in the data folder');
    assert.deepEqual(readdirSync(workDir), [], 'nothing written to the working folder');
    assert.ok(readdirSync(cacheDir).some((name) => name.startsWith('switchboard-')), 'assets unpacked under TMPDIR');

    server.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, output());
  });
});
