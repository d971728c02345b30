#!/usr/bin/env node
// Builds dist/switchboard.mjs: the server with its dependencies in one ES module, compiled once, so that
// no TypeScript is compiled at start. npm start, bin/switchboard.mjs and the Docker image run it.
// Usage: node scripts/build.mjs [--if-stale]
//   --if-stale  build only when a file the bundle was made from changed since (what npm start does)
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'dist', 'switchboard.mjs');
/** What the bundle was made from and when, for --if-stale. */
const record = join(root, 'dist', 'switchboard.inputs.json');
/** Besides the sources esbuild read: how it was told to build, and the installed packages (npm ci rewrites the lock). */
const BUILD_FILES = ['scripts/build.mjs', 'scripts/bundle.mjs', 'package.json', 'node_modules/.package-lock.json'];

const mtime = (file) => statSync(join(root, file), { throwIfNoEntry: false })?.mtimeMs ?? Infinity;

function upToDate() {
  if (!existsSync(target) || !existsSync(record)) return false;
  const { started, inputs } = JSON.parse(readFileSync(record, 'utf8'));
  return [...BUILD_FILES, ...inputs].every((file) => mtime(file) < started);
}

async function build() {
  // Loaded only here: checking for changes needs no esbuild.
  const { bundle } = await import('./bundle.mjs');
  const begun = Date.now();
  mkdirSync(dirname(target), { recursive: true });
  // Written aside, then renamed: a server starting meanwhile reads the old file or the new one, never half of one.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, '');
  // The file system's clock, the one that stamps edits: a file saved from now on makes the bundle stale.
  const started = statSync(partial).mtimeMs;
  try {
    const { code, metafile } = await bundle({
      entryPoints: ['src/main.ts'],
      format: 'esm',
      // better-sqlite3 looks for its addon beside its own files, so it is loaded from node_modules.
      external: ['better-sqlite3'],
      // Bundled CommonJS packages require Node's builtins; an ES module has no require of its own.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    writeFileSync(partial, code);
    renameSync(partial, target);
    writeFileSync(record, JSON.stringify({ started, inputs: Object.keys(metafile.inputs) }));
    const mb = (Buffer.byteLength(code) / 1024 / 1024).toFixed(1);
    console.log(
      `${relative(process.cwd(), target)}: ${mb} MiB, built in ${((Date.now() - begun) / 1000).toFixed(1)} s`,
    );
  } finally {
    rmSync(partial, { force: true });
  }
}

const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean' } } });
if (values['if-stale'] && upToDate()) console.log(`${relative(process.cwd(), target)} is up to date`);
else await build();
