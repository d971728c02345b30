/**
 * Writes docs/openapi.json: the OpenAPI document the server serves at /api/v1/openapi.json, built from the API
 * routes' zod schemas. Run `npm run openapi` after changing an API route; test/routes/api/openapi.test.ts fails
 * while the committed copy differs from what the routes say.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config/load.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import { migrationsDir } from '../src/paths.ts';

export const OPENAPI_FILE = join(import.meta.dirname, '..', 'docs', 'openapi.json');

/** The document as committed: two-space JSON and a final newline. */
export const formatOpenApi = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

if (import.meta.main) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-openapi-'));
  try {
    const dbFile = join(dir, 'switchboard.db');
    const sqlite = openDatabase(dbFile);
    await migrate(sqlite, dbFile, loadMigrations(migrationsDir));
    const configStore = { current: validateConfig({}, 'defaults'), file: undefined };
    const app = await buildApp({ configStore, sqlite, logger: false, mediaDir: join(dir, 'media') });
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    writeFileSync(OPENAPI_FILE, formatOpenApi(res.json()));
    await app.close();
    sqlite.close();
    process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
