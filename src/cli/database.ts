import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { loadMigrations, migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { migrationsDir } from '../paths.ts';

/** Opens the database file and brings its schema up to date; refuses a database from newer code. */
export async function openAndMigrate(file: string, log: Logger): Promise<Database.Database> {
  const sqlite = openDatabase(file);
  try {
    const result = await migrate(sqlite, file, loadMigrations(migrationsDir));
    if (result.backup) log.info({ backup: result.backup }, 'database backed up before migrating');
    if (result.applied.length) log.info({ applied: result.applied }, 'database migrated');
    return sqlite;
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
