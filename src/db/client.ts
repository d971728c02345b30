import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Enough for every distinct query the app sends (the lists' shapes included), with room to spare. */
const KEPT_STATEMENTS = 500;

/**
 * The connection as drizzle sees it, keeping each prepared statement by its SQL: drizzle prepares every query
 * anew, and for a list page SQLite's prepare (parse and plan) costs about as much as running the queries.
 * Statements are least recently used first out; one still being iterated is never handed out twice.
 */
function keepingStatements(sqlite: Database.Database): Database.Database {
  const kept = new Map<string, Database.Statement>();
  const client = Object.create(sqlite) as Database.Database;
  client.prepare = ((source: string): Database.Statement => {
    const stmt = kept.get(source);
    if (stmt && !stmt.busy) {
      kept.delete(source);
      kept.set(source, stmt);
      // drizzle switches a statement to arrays (`raw()`) when it maps the columns itself, and reads objects otherwise.
      if (stmt.reader) stmt.raw(false);
      return stmt;
    }
    const fresh = sqlite.prepare.call(client, source);
    if (stmt) return fresh;
    kept.set(source, fresh);
    if (kept.size > KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
    return fresh;
  }) as Database.Database['prepare'];
  return client;
}

export function createDb(sqlite: Database.Database): Db {
  const db = drizzle({ client: keepingStatements(sqlite), schema });
  // Whoever reaches for the connection itself gets it as it is.
  db.$client = sqlite;
  return db;
}
