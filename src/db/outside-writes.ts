import type Database from 'better-sqlite3';

/**
 * Calls `onChange` soon after another connection — another process, such as `switchboard user reset-password`
 * run beside the server — commits to the database. SQLite's `data_version` changes only for commits made by
 * other connections, so the server's own writes never trigger it and asking costs one pragma per tick.
 */
export function watchOutsideWrites(sqlite: Database.Database, everyMs: number, onChange: () => void): () => void {
  const version = (): number => sqlite.pragma('data_version', { simple: true }) as number;
  let seen = version();
  const timer = setInterval(() => {
    const now = version();
    if (now === seen) return;
    seen = now;
    onChange();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
