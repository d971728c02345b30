import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, openReadOnly } from '../db/open.ts';
import { searchIndexProblem } from '../db/search-index.ts';
import { linkMedia } from './files.ts';
import { BackupError, DATABASE, MANIFEST } from './make.ts';

/**
 * Fills an empty data folder from a backup folder. A data folder that already holds a database is refused,
 * whether a server runs on it or not: restoring over live data is a move the operator makes by hand. The
 * copy is checked (`PRAGMA integrity_check`) before anything is written, and its search indexes against their
 * rows once copied, under a name the server does not open.
 */
export function restoreBackup(from: string, dataDir: string): { mediaFiles: number } {
  const source = join(from, DATABASE);
  if (!existsSync(join(from, MANIFEST)) || !existsSync(source)) {
    throw new BackupError(`${from} is not a finished Switchboard backup (it has no ${MANIFEST} and ${DATABASE})`);
  }
  const target = join(dataDir, DATABASE);
  for (const file of [target, `${target}-wal`]) {
    if (existsSync(file))
      throw new BackupError(`${file} exists: restore fills an empty data folder only; move that folder away first`);
  }
  const check = openReadOnly(source);
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`${source} fails SQLite's integrity check: ${String(result)}`);
  } finally {
    check.close();
  }
  mkdirSync(dataDir, { recursive: true });
  const media = join(dataDir, 'media');
  const stored = existsSync(media) ? readdirSync(media).filter((n) => n !== 'tmp') : [];
  if (stored.length) throw new BackupError(`${media} already holds files: restore fills an empty data folder only`);
  // The database appears under its real name only when it is complete: a restore cut short is simply not there.
  copyFileSync(source, `${target}.restoring`);
  const copy = openDatabase(`${target}.restoring`);
  let problem: string | null;
  try {
    problem = searchIndexProblem(copy);
  } finally {
    copy.close();
  }
  if (problem) {
    rmSync(`${target}.restoring`, { force: true });
    throw new BackupError(`${source} has a search index out of step with its rows (${problem})`);
  }
  const files = linkMedia(join(from, 'media'), media);
  renameSync(`${target}.restoring`, target);
  rmSync(`${target}.restoring`, { force: true });
  return { mediaFiles: files.files };
}
