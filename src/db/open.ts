import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

let nativeBinding: object | undefined;

/** The single binary loads the addon itself and hands it over here (better-sqlite3's `nativeBinding`). */
export function useNativeBinding(addon: object): void {
  nativeBinding = addon;
}

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // The typings know only the path form; better-sqlite3 also takes the loaded addon object.
  const db = new Database(file, nativeBinding ? { nativeBinding: nativeBinding as unknown as string } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Every committed write reaches the disk before it is acknowledged (a reply, a receipt, a customer's text):
  // NORMAL could lose the last commits on power loss. The outbox writes in batches, so this costs one fsync per batch.
  db.pragma('synchronous = FULL');
  // Writes of a group commit run in nested savepoints, which keep the pages they change in a sub-journal: in
  // memory rather than a temporary file, that costs a copy, not a write.
  db.pragma('temp_store = MEMORY');
  return db;
}

/** A database file only looked at (a backup being checked): nothing is created, changed or switched to WAL. */
export function openReadOnly(file: string): Database.Database {
  return new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding: nativeBinding as unknown as string } : {}),
  });
}
