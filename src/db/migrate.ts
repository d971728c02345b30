import type Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
  tag: string;
  folderMillis: number;
  hash: string;
  sql: string[];
}

export class DatabaseNewerError extends Error {
  constructor(file: string, dbLatest: number, codeLatest: number) {
    super(
      `${file} was migrated by a newer Switchboard (its schema is from ${new Date(dbLatest).toISOString()}, ` +
        `this build knows schemas up to ${new Date(codeLatest).toISOString()}). Start the newer version, ` +
        `or restore a backup made before the upgrade.`,
    );
    this.name = 'DatabaseNewerError';
  }
}

/** Reads drizzle-kit's output folder: the journal gives the tags, drizzle-orm splits and hashes the SQL. */
export function loadMigrations(dir: string): Migration[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const files = readMigrationFiles({ migrationsFolder: dir });
  return files.map((m, i) => ({
    tag: journal.entries[i]?.tag ?? `#${i}`,
    folderMillis: m.folderMillis,
    hash: m.hash,
    sql: m.sql,
  }));
}

// Same table drizzle-orm's own migrator keeps, so drizzle-kit tooling reads our state.
const TABLE = '__drizzle_migrations';

function holdsData(sqlite: Database.Database): boolean {
  const tables = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?`)
    .pluck()
    .all(TABLE) as string[];
  return tables.some((t) => sqlite.prepare(`SELECT 1 FROM "${t.replaceAll('"', '""')}" LIMIT 1`).get() !== undefined);
}

export interface MigrateResult {
  applied: string[];
  backup: string | null;
}

/**
 * Applies pending migrations in one transaction. Refuses a database migrated by newer code,
 * and copies a database that holds data (SQLite online backup) before changing it.
 */
export async function migrate(
  sqlite: Database.Database,
  file: string,
  migrations: Migration[],
): Promise<MigrateResult> {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, created_at NUMERIC)`);
  const dbLatest = Number(sqlite.prepare(`SELECT max(created_at) FROM ${TABLE}`).pluck().get() ?? 0);
  const codeLatest = migrations.reduce((max, m) => Math.max(max, m.folderMillis), 0);
  if (dbLatest > codeLatest) throw new DatabaseNewerError(file, dbLatest, codeLatest);

  const pending = migrations.filter((m) => m.folderMillis > dbLatest);
  if (pending.length === 0) return { applied: [], backup: null };

  let backup: string | null = null;
  if (file !== ':memory:' && holdsData(sqlite)) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    backup = `${file}.${stamp}.before-${pending[0]!.tag}.bak`;
    await sqlite.backup(backup);
  }

  const record = sqlite.prepare(`INSERT INTO ${TABLE} (hash, created_at) VALUES (?, ?)`);
  sqlite.transaction(() => {
    for (const m of pending) {
      for (const stmt of m.sql) if (stmt.trim()) sqlite.exec(stmt);
      record.run(m.hash, m.folderMillis);
    }
  })();
  return { applied: pending.map((m) => m.tag), backup };
}
