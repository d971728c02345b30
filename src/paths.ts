import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where views/, static/ and drizzle/ live. The single binary unpacks them and says where
 * through SWITCHBOARD_ROOT; otherwise they sit beside src/ (or beside the bundle in dist/).
 */
function findRoot(): string {
  if (process.env.SWITCHBOARD_ROOT) return resolve(process.env.SWITCHBOARD_ROOT);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'views')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const appRoot = findRoot();
export const viewsDir = join(appRoot, 'views');
export const staticDir = join(appRoot, 'static');
export const migrationsDir = join(appRoot, 'drizzle');
/** Emoji names and keywords per language, read on first use (they are large: a server that never shows the picker never reads them). */
export const emojiDataFile = (locale: string): string =>
  join(appRoot, 'node_modules', 'emojibase-data', locale, 'compact.json');
