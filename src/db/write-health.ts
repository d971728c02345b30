import type Database from 'better-sqlite3';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A full disk, a read-only file or folder, a failing device: no retry by the user helps, an admin must act.
const SQLITE_DISK = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/;
const FILE_DISK = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** Why a failed write is the disk's fault rather than the request's, in words for an admin; null when it is not. */
export function diskTroubleOf(err: unknown): string | null {
  // drizzle wraps the driver's error in its own (`cause`).
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code !== 'string') continue;
    if (SQLITE_DISK.test(e.code) || FILE_DISK.has(e.code)) return `${String(e.message)} (${e.code})`;
  }
  return null;
}

/** Less free space than this on the data folder's disk counts as full: SQLite's journal needs room to commit. */
const MIN_FREE_BYTES = 1024 * 1024;
/** The probe writes; a health check polled every second (or by anyone: /healthz is public) must not write more often. */
export const PROBE_EVERY_MS = 2_000;

export interface WriteHealth {
  /** What keeps the server from writing, or null; probes the disk when the last probe is older than PROBE_EVERY_MS. */
  trouble(): string | null;
  /** A write failed for the disk's sake: remembered until a probe finds that writes work again. */
  failed(reason: string): void;
}

/**
 * Probes the database with a growing write it rolls back (a row bigger than a page needs new pages, as a new
 * message does, so a database at its size limit fails as real writes do), and the data folder's disk by its free
 * space and a small file. Nothing the probe writes is kept.
 */
export function createWriteHealth(
  sqlite: Database.Database,
  mediaTmp: string,
  now: () => number = Date.now,
): WriteHealth {
  let reason: string | null = null;
  let probedAt = -Infinity;
  let failedSinceProbe = false;

  const probeDatabase = (): string | null => {
    const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.exec('BEGIN IMMEDIATE');
      // drizzle's migration table exists in every database the server opens; the row never commits.
      sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (zeroblob(16384), 0)').run();
      return null;
    } catch (err) {
      // Another process (`switchboard user …`) is writing: the disk took that write.
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
      return diskTroubleOf(err) ?? `${(err as Error).message}`;
    } finally {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      sqlite.pragma(`busy_timeout = ${busyTimeout}`);
    }
  };

  const probeFolder = (): string | null => {
    try {
      const { bavail, bsize } = statfsSync(mediaTmp);
      if (bavail * bsize < MIN_FREE_BYTES)
        return `the disk holding ${mediaTmp} is full (${Math.floor((bavail * bsize) / 1024)} KiB free)`;
      const probe = join(mediaTmp, `.write-probe-${process.pid}`);
      writeFileSync(probe, 'probe');
      rmSync(probe);
      return null;
    } catch (err) {
      return diskTroubleOf(err) ?? (err as Error).message;
    }
  };

  return {
    trouble() {
      // Asked from within a transaction of this connection, the probe could not roll back its own write alone.
      if (sqlite.inTransaction) return reason;
      if (failedSinceProbe || now() - probedAt >= PROBE_EVERY_MS) {
        probedAt = now();
        failedSinceProbe = false;
        reason = probeDatabase() ?? probeFolder();
      }
      return reason;
    },
    failed(why) {
      reason = why;
      failedSinceProbe = true;
    },
  };
}
