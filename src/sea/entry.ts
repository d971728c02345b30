/**
 * Entry of the single binary (npm run build:binary). Node's SEA runs one CommonJS script and can
 * require only builtins, so the files the app reads from disk (views, static, migrations) and the
 * SQLite addon travel as SEA assets and are unpacked before the app is loaded.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getAsset } from 'node:sea';
import { useNativeBinding } from '../db/open.ts';

/** Written by scripts/build-binary.mjs under this key. */
const MANIFEST_KEY = 'sea-manifest.json';

interface Manifest {
  /** Hash of every asset's key and content: a new build never reuses an older build's files. */
  hash: string;
  files: string[];
  addon: string;
}

function readManifest(): Manifest {
  return JSON.parse(getAsset(MANIFEST_KEY, 'utf8')) as Manifest;
}

/** The temp folder is shared with other users: one of them could plant a folder there and with it an addon we would load. */
function privateCacheDir(hash: string): string {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `switchboard-${uid ?? 'user'}-${hash}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const foreign = uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0);
  if (!stat.isDirectory() || foreign) {
    throw new Error(`${dir} is not a private folder of this user; remove it or point TMPDIR elsewhere`);
  }
  return dir;
}

function unpack(dir: string, key: string): void {
  const file = join(dir, key);
  // The folder is named by the content hash, so a file already there is this build's file.
  if (existsSync(file)) return;
  mkdirSync(dirname(file), { recursive: true });
  // Write aside, then rename (atomic): a process starting alongside sees the whole file or none.
  const partial = `${file}.${randomUUID()}.partial`;
  writeFileSync(partial, new Uint8Array(getAsset(key)));
  renameSync(partial, file);
}

function loadAddon(file: string): object {
  const addon = { exports: {} };
  process.dlopen(addon, file);
  return addon.exports;
}

function start(): void {
  const manifest = readManifest();
  const dir = privateCacheDir(manifest.hash);
  for (const key of manifest.files) unpack(dir, key);
  process.env.SWITCHBOARD_ROOT = dir;
  useNativeBinding(loadAddon(join(dir, manifest.addon)));
  // Dynamic, so that paths.ts (reached only through main.ts) reads SWITCHBOARD_ROOT after it is set.
  void import('../main.ts');
}

try {
  start();
} catch (err) {
  process.stderr.write(`switchboard: cannot unpack the application: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
