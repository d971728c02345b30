import type Database from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import { channel } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type AppOptions } from '../src/app.ts';
import { validateConfig } from '../src/config/load.ts';
import type { ConfigStore } from '../src/config/store.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import type { Actor } from '../src/domain/context.ts';
import { DomainError } from '../src/domain/errors.ts';
import { createUser, type PublicUser } from '../src/domain/users/service.ts';
import { migrationsDir } from '../src/paths.ts';

export const PASSWORD = 'correct horse battery';

export interface TestApp {
  app: FastifyInstance;
  sqlite: Database.Database;
  dir: string;
  dbFile: string;
  configStore: ConfigStore;
  close(): Promise<void>;
}

/** A real app on a real SQLite file in a fresh temp folder. */
export async function buildTestApp(
  rawConfig: Record<string, unknown> = {},
  opts: { logger?: AppOptions['logger'] } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const dbFile = join(dir, 'switchboard.db');
  const sqlite = openDatabase(dbFile);
  await migrate(sqlite, dbFile, loadMigrations(migrationsDir));
  const configStore: ConfigStore = { current: validateConfig(rawConfig, 'test'), file: undefined };
  const app = await buildApp({ configStore, sqlite, logger: opts.logger ?? false, mediaDir: join(dir, 'media') });
  await app.ready();
  return {
    app,
    sqlite,
    dir,
    dbFile,
    configStore,
    async close() {
      await app.close();
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function addUser(
  app: FastifyInstance,
  role: 'admin' | 'manager' | 'agent',
  name = `${role} user`,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`,
): Promise<PublicUser & { actor: Actor }> {
  const user = await createUser(app.domain, null, { email, name, role, password: PASSWORD });
  return { ...user, actor: { id: user.id, role: user.role } };
}

/** A browser-like client over app.inject: keeps cookies and the page's CSRF token. `address` is where it connects from. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly app: FastifyInstance,
    readonly address = '127.0.0.1',
  ) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.address,
      headers: { cookie: this.cookieHeader, ...headers },
    });
    this.remember(res);
    return res;
  }

  /** A form post; `_csrf` is added unless `csrf: false` or the form sets its own. */
  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (opts.csrf !== false && !('_csrf' in form)) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.address,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader, ...opts.headers },
    });
    this.remember(res);
    return res;
  }

  /** A multipart form, as a browser sends one with files; `_csrf` added as in `post`. */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: { field?: string; name: string; data: Buffer; type?: string }[],
    opts: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf: Record<string, string> = opts.csrf !== false && !('_csrf' in fields) ? { _csrf: this.csrf } : {};
    const { payload, contentType } = await multipartBody({ ...csrf, ...fields }, files);
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.address,
      payload,
      headers: { 'content-type': contentType, cookie: this.cookieHeader, ...opts.headers },
    });
    this.remember(res);
    return res;
  }

  async login(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

/** A multipart form as a browser (or curl -F) encodes it: the fields, then each file under its field (`files`). */
export async function multipartBody(
  fields: Record<string, string>,
  files: { field?: string; name: string; data: Buffer; type?: string }[],
): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files)
    form.append(
      f.field ?? 'files',
      new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }),
      f.name,
    );
  const encoded = new Response(form);
  return { payload: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

export async function signedIn(app: FastifyInstance, email: string): Promise<Client> {
  const client = new Client(app);
  const res = await client.login(email);
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  await client.get('/conversations');
  return client;
}

/**
 * Polls until `read` gives something truthy and returns it: for what a real peer (SMSC, MMSC, socket, browser) does
 * in its own time. `read` may be async; one that throws (an assertion not met yet, an element swapped out while
 * being read) counts as not yet, and a timeout reports its last error.
 */
export async function until<T>(
  read: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    let failure: unknown;
    try {
      const value = await read();
      if (value) return value;
    } catch (err) {
      failure = err;
    }
    if (Date.now() > deadline) {
      const why = failure instanceof Error ? `: ${failure.message}` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`, { cause: failure });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the domain says to `fn`: `ok` when it runs, else the refusal's status and key ("404 error.not_found"). */
export function refusal(fn: () => unknown, ok = 'ok'): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return `${err.status} ${err.key}`;
    throw err;
  }
  return ok;
}

/** `buildTestApp` for one test: closed (and its folder removed) when the test ends. */
export async function testApp(
  t: { after(fn: () => Promise<void>): void },
  rawConfig: Record<string, unknown> = {},
  opts: { logger?: AppOptions['logger'] } = {},
): Promise<TestApp> {
  const h = await buildTestApp(rawConfig, opts);
  t.after(() => h.close());
  return h;
}

/**
 * `testApp`, and every route it registered, seen through Fastify's `fastify.initialization` channel: nothing is
 * listed by hand. Each route's options are read when asked: a plugin's own onRoute hook (the API's) may still set
 * them after this one.
 */
export async function testAppWithRoutes(
  t: { after(fn: () => Promise<void>): void },
  rawConfig: Record<string, unknown> = {},
): Promise<{ h: TestApp; routes: { method: string; options: RouteOptions }[] }> {
  const routes: { method: string; options: RouteOptions }[] = [];
  const init = channel('fastify.initialization');
  const collect = (message: unknown) =>
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (options: RouteOptions) => {
      for (const method of [options.method].flat()) routes.push({ method, options });
    });
  init.subscribe(collect);
  try {
    return { h: await testApp(t, rawConfig), routes };
  } finally {
    init.unsubscribe(collect);
  }
}
