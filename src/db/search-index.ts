import type Database from 'better-sqlite3';

/** The FTS5 indexes search reads (drizzle/0036_search.sql), each built from a view of the rows it covers. */
export const SEARCH_INDEXES = ['search_messages', 'search_notes', 'search_contacts', 'search_phones'] as const;

/**
 * Whether each search index matches the rows it is built from: FTS5's integrity check, with the content compared
 * too (rank 1), which `PRAGMA integrity_check` does not do. Null when they match (or a database from before
 * search has none), else what is wrong. It writes nothing, but SQLite needs a connection that may write.
 */
export function searchIndexProblem(sqlite: Database.Database): string | null {
  for (const table of SEARCH_INDEXES) {
    const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table);
    if (!exists) continue;
    try {
      sqlite.exec(`INSERT INTO ${table}(${table}, rank) VALUES ('integrity-check', 1)`);
    } catch (err) {
      return `${table}: ${(err as Error).message}`;
    }
  }
  return null;
}
