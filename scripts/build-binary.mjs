#!/usr/bin/env node
// Builds dist/switchboard: a Node single executable application (SEA) made from the running Node.
// Usage: node scripts/build-binary.mjs [--out DIR]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postject from 'postject';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSET_DIRS = ['views', 'static', 'drizzle'];
/** Data the server reads from node_modules on first use (src/paths.ts), unpacked at the same place. */
const languages = readdirSync(join(root, 'src/i18n'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
const DATA_FILES = languages.map(({ name: locale }) => `node_modules/emojibase-data/${locale}/compact.json`);
/**
 * The SQLite addon of the running platform: one compiled on purpose (`npm rebuild better-sqlite3 --build-from-source`)
 * wins, as it does for better-sqlite3 itself; else the prebuilt one it ships (Node-API, any Node version).
 */
function addonPath() {
  const built = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  if (existsSync(join(root, built))) return built;
  const musl = process.platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime;
  return `node_modules/better-sqlite3/prebuilds/${musl ? 'linuxmusl' : process.platform}-${process.arch}.node`;
}
const ADDON = addonPath();
// Read back under the same key by src/sea/entry.ts.
const MANIFEST_KEY = 'sea-manifest.json';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Asset keys are paths relative to the project root, with forward slashes on every platform. */
function filesUnder(dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function contentHash(keys) {
  const hash = createHash('sha256');
  for (const key of keys)
    hash
      .update(`${key}\0`)
      .update(readFileSync(join(root, key)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** A SEA runs a single CommonJS script that may require builtins only: bundle everything. */
async function bundleScript(file) {
  const { code } = await bundle({
    entryPoints: ['src/sea/entry.ts'],
    format: 'cjs',
    // paths.ts falls back to import.meta.url only when SWITCHBOARD_ROOT is unset, which the entry always sets.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  writeFileSync(file, code);
}

/** Returns the path of the sea-config file, which makes Node write the blob to `blob`. */
function writeSeaConfig(work, script, blob) {
  const files = [...ASSET_DIRS.flatMap(filesUnder), ...DATA_FILES, ADDON];
  const manifest = { hash: contentHash(files), files, addon: ADDON };
  writeFileSync(join(work, MANIFEST_KEY), JSON.stringify(manifest));
  const assets = Object.fromEntries(files.map((key) => [key, join(root, key)]));
  assets[MANIFEST_KEY] = join(work, MANIFEST_KEY);
  // The code cache spares V8 parsing the script at every start; it would break a real import(), and the bundle
  // has none (esbuild turns every import() of a bundled module into a require).
  // The binary runs with the flags `npm start` and the Docker image give Node (a smaller young generation: see the Dockerfile).
  const config = {
    main: script,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    assets,
    execArgv: ['--max-semi-space-size=8'],
  };
  const configFile = join(work, 'sea-config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return configFile;
}

/** Injects into a copy, then renames: a running older binary cannot be written to (ETXTBSY), but it can be replaced. */
async function makeExecutable(blob, target) {
  const partial = `${target}.partial`;
  try {
    copyFileSync(process.execPath, partial);
    chmodSync(partial, 0o755);
    // postject prints "Can't find string offset for section name '.note…'" on Linux: harmless (nodejs/postject#83).
    await postject.inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

async function main() {
  // macOS needs a Mach-O segment name and re-signing, Windows an .exe: neither is handled here.
  if (process.platform !== 'linux')
    throw new Error(`building the binary is supported on Linux only, not ${process.platform}`);
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = resolve(values.out ?? join(root, 'dist'));
  const target = join(outDir, 'switchboard');
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'switchboard-build-'));
  try {
    const script = join(work, 'switchboard.cjs');
    const blob = join(work, 'sea-prep.blob');
    await bundleScript(script);
    execFileSync(process.execPath, ['--experimental-sea-config', writeSeaConfig(work, script, blob)], {
      stdio: 'inherit',
    });
    mkdirSync(outDir, { recursive: true });
    await makeExecutable(blob, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mb = (statSync(target).size / 1024 / 1024).toFixed(1);
  console.log(
    `${relative(process.cwd(), target)}: ${mb} MiB, built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

await main();
