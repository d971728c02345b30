import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Runs every bench/*.bench.ts in its own process (fresh heap, honest RSS) and lets each print its figures. The
 * benches start the server as users run it, from the bundle: it is built first if a source changed.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
if (
  spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), '--if-stale'], {
    stdio: 'inherit',
  }).status !== 0
) {
  throw new Error('the bundle did not build');
}
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort()) {
  process.stdout.write(`\n## ${file}\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (res.status !== 0) process.exitCode = 1;
}
