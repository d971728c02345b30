import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linkMedia } from './files.ts';

/** What a finished backup folder holds besides the database and media/: a folder without it is not a backup. */
export const MANIFEST = 'backup.json';
export const DATABASE = 'switchboard.db';
const PREFIX = 'switchboard-';
// A backup being written has this suffix until it is complete, so a crash never leaves a folder that looks whole.
const PARTIAL = '.partial';

/** A backup or restore that cannot go ahead, with what to do about it: printed as one line. */
export class BackupError extends Error {}

export interface Manifest {
  createdAt: string;
  databaseBytes: number;
  mediaFiles: number;
  mediaBytes: number;
}

export interface Backup extends Manifest {
  dir: string;
}

const stamp = (at: Date): string =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * A consistent copy of the database made with SQLite's online backup, taken while the server goes on writing,
 * then the media files. Database first: a file a copied message refers to was in place before that message was
 * committed, and stored files are never changed, so every reference in the copy finds its file.
 */
export async function makeBackup(
  sqlite: Database.Database,
  mediaDir: string,
  into: string,
  at = new Date(),
): Promise<Backup> {
  // A second backup within the same second (an admin's click after the schedule's) gets a suffix that sorts after the first.
  let dir = join(into, PREFIX + stamp(at));
  for (let n = 2; existsSync(dir) || existsSync(dir + PARTIAL); n++) dir = join(into, `${PREFIX}${stamp(at)}-${n}`);
  const partial = dir + PARTIAL;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await sqlite.backup(join(partial, DATABASE));
    const media = linkMedia(mediaDir, join(partial, 'media'));
    const manifest: Manifest = {
      createdAt: at.toISOString(),
      databaseBytes: statSync(join(partial, DATABASE)).size,
      mediaFiles: media.files,
      mediaBytes: media.bytes,
    };
    writeFileSync(join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    renameSync(partial, dir);
    return { dir, ...manifest };
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    throw err;
  }
}

/** The finished backups in a folder, newest first. */
export function listBackups(into: string): Backup[] {
  let names: string[];
  try {
    names = readdirSync(into);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(PREFIX) && !n.endsWith(PARTIAL))
    .sort()
    .reverse()
    .flatMap((n) => {
      try {
        const manifest = JSON.parse(readFileSync(join(into, n, MANIFEST), 'utf8')) as Manifest;
        return [{ dir: join(into, n), ...manifest }];
      } catch {
        return [];
      }
    });
}

// A half-written backup this old was left by a run that died; a younger one may be a backup still being written.
const ABANDONED_MS = 24 * 3_600_000;

/** Keeps the newest `keep` backups and removes the rest, and any half-written one an interrupted run left. */
export function pruneBackups(into: string, keep: number, now = Date.now()): string[] {
  const removed = listBackups(into)
    .slice(keep)
    .map((b) => b.dir);
  for (const n of readdirSync(into)) {
    if (n.startsWith(PREFIX) && n.endsWith(PARTIAL) && now - statSync(join(into, n)).mtimeMs > ABANDONED_MS)
      removed.push(join(into, n));
  }
  for (const dir of removed) rmSync(dir, { recursive: true, force: true });
  return removed;
}
