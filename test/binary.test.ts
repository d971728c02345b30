import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, servesAndStops } from './processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

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
    assert.ok(
      readdirSync(cacheDir).some((name) => name.startsWith('switchboard-')),
      'assets unpacked under TMPDIR',
    );
  });
});
