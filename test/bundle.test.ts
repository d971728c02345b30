import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, servesAndStops } from './processes.ts';

/** dist/switchboard.mjs, built from this checkout: what npm start, the switchboard command and the Docker image run. */
const root = fileURLToPath(new URL('..', import.meta.url));

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
    const result = await run(process.execPath, [join(root, 'bin', 'switchboard.mjs'), 'check-config'], {
      cwd: work,
      env,
    });
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
