import type Database from 'better-sqlite3';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { AuditBy } from '../domain/audit/record.ts';
import { listBackups, makeBackup, pruneBackups, type Backup } from './make.ts';

export interface BackupSettings {
  dir: string;
  everyHours: number;
  keep: number;
}

export interface BackupState extends BackupSettings {
  backups: Backup[];
  running: boolean;
  lastError: { at: number; message: string } | null;
}

export interface Backups {
  state(): BackupState;
  /** One backup now, then pruning; a second call while one runs waits for that one (made, and recorded, by the first caller). */
  run(by: AuditBy): Promise<Backup>;
  /** What the timer does: a backup if one is due, else nothing. */
  runIfDue(): Promise<Backup | null>;
  stop(): void;
}

/** `[backup] dir`, or backups/ in the data directory: the one rule for the command and the server. */
export function backupSettings(config: Config, dataDir: string): BackupSettings {
  return {
    dir: resolve(config.backup.dir ?? join(dataDir, 'backups')),
    everyHours: config.backup.every_hours,
    keep: config.backup.keep,
  };
}

// How often the server looks whether a backup is due: a backup is due every_hours after the newest one.
const CHECK_EVERY_MS = 10 * 60_000;

/** The server's own backups: due when the newest finished one is older than `everyHours`, pruned to `keep` after each. */
export function scheduleBackups(opts: {
  sqlite: Database.Database;
  mediaDir: string;
  settings: () => BackupSettings;
  log: Pick<Logger, 'info' | 'error'>;
  /** Writes who made the backup to the audit log. */
  record: (by: AuditBy, backup: Backup) => void;
  now?: () => number;
}): Backups {
  const now = opts.now ?? Date.now;
  let running: Promise<Backup> | null = null;
  let lastError: BackupState['lastError'] = null;

  const run = (by: AuditBy): Promise<Backup> => {
    running ??= (async () => {
      const { dir, keep } = opts.settings();
      try {
        const backup = await makeBackup(opts.sqlite, opts.mediaDir, dir, new Date(now()));
        opts.record(by, backup);
        const pruned = pruneBackups(dir, keep, now());
        lastError = null;
        opts.log.info(
          {
            backup: backup.dir,
            databaseBytes: backup.databaseBytes,
            mediaFiles: backup.mediaFiles,
            pruned: pruned.length,
          },
          'backup made',
        );
        return backup;
      } catch (err) {
        lastError = { at: now(), message: (err as Error).message };
        opts.log.error({ err, dir }, 'backup failed');
        throw err;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const due = (): boolean => {
    const { dir, everyHours } = opts.settings();
    if (everyHours <= 0 || running) return false;
    const newest = listBackups(dir)[0];
    return !newest || now() - Date.parse(newest.createdAt) >= everyHours * 3_600_000;
  };

  const runIfDue = async (): Promise<Backup | null> => (due() ? run('server') : null);
  // A failure is logged and shown to admins by run(); the next check tries again.
  const timer = setInterval(() => void runIfDue().catch(() => {}), CHECK_EVERY_MS);
  timer.unref();

  return {
    state: () => ({
      ...opts.settings(),
      backups: listBackups(opts.settings().dir),
      running: running !== null,
      lastError,
    }),
    run,
    runIfDue,
    stop: () => clearInterval(timer),
  };
}
