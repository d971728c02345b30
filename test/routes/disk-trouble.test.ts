import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { jpeg } from '../fixtures/media.ts';
import { signedIn, testApp, until } from '../helper.ts';
import { HX } from './steps.ts';

// Longer than fits in one database page: its row needs new pages, as the database's growth does.
const LONG = '€'.repeat(1600);

async function setup(t: TestContext) {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const agent = await buildUser(h, { name: 'Ana' });
  buildInbox(h, { name: 'Support', members: [agent] });
  const conversationId = buildConversation(h, { inbox: 'Support', texts: ['Is my order ready?'] }).id;
  // Signed in while writes work: signing in writes a session.
  const agentClient = await signedIn(h.app, agent.email);
  const adminClient = await signedIn(h.app, admin.email);
  await agentClient.get(`/conversations/${conversationId}`);
  const outbound = () =>
    h.sqlite.prepare(`SELECT count(*) FROM messages WHERE direction = 'out'`).pluck().get() as number;
  const healthz = () => h.app.inject({ method: 'GET', url: '/healthz' });
  return { h, agentClient, adminClient, conversationId, outbound, healthz };
}

/** Asks /healthz until it answers 200: the server probes the disk again only every few seconds. */
const healthyAgain = (healthz: () => Promise<{ statusCode: number }>) =>
  until(async () => (await healthz()).statusCode === 200, 'healthz 200 again');

/** A real SQLITE_FULL: the database may not grow past the pages it has now (and has none free). */
function fillDatabase(sqlite: import('better-sqlite3').Database): () => void {
  sqlite.exec('VACUUM');
  sqlite.pragma(`max_page_count = ${sqlite.pragma('page_count', { simple: true }) as number}`);
  return () => sqlite.pragma('max_page_count = 1073741823');
}

test('a full database: /healthz 503 with the reason, a reply 503 with the message in place, nothing written, admins see a banner; all well once it clears', async (t) => {
  const { h, agentClient, adminClient, conversationId, outbound, healthz } = await setup(t);
  assert.equal((await healthz()).statusCode, 200);

  const clear = fillDatabase(h.sqlite);
  const refused = await agentClient.post(`/conversations/${conversationId}/messages`, { body: LONG }, HX);
  assert.equal(refused.statusCode, 503);
  assert.match(
    refused.body,
    /^<p class="alert" role="alert">Not saved: the server cannot write to its disk right now\. Nothing was changed\./,
  );
  const page = await agentClient.post(`/conversations/${conversationId}/messages`, { body: LONG });
  assert.equal(page.statusCode, 503);
  assert.match(page.body, /<p role="alert">Not saved: the server cannot write to its disk/);
  assert.equal(outbound(), 0, 'no half-written reply');

  const health = await healthz();
  assert.equal(health.statusCode, 503);
  assert.equal(health.body, 'database cannot be written: database or disk is full (SQLITE_FULL)');
  const adminHome = await adminClient.get('/conversations');
  assert.equal(adminHome.statusCode, 200, 'reading still works');
  assert.match(
    adminHome.body,
    /role="alert">The database cannot be written: database or disk is full \(SQLITE_FULL\)\. Nothing new is saved/,
  );
  assert.doesNotMatch(
    (await agentClient.get('/conversations')).body,
    /The database cannot be written/,
    'agents cannot act on it',
  );

  const german = await agentClient.post(
    `/conversations/${conversationId}/messages`,
    { body: LONG },
    { headers: { 'hx-request': 'true', 'accept-language': 'de' } },
  );
  assert.equal(german.statusCode, 503);
  assert.match(german.body, /Nicht gespeichert: Der Server kann gerade nicht auf seine Festplatte schreiben/);

  clear();
  await healthyAgain(healthz);
  assert.doesNotMatch((await adminClient.get('/conversations')).body, /The database cannot be written/);
  assert.equal(
    (await agentClient.post(`/conversations/${conversationId}/messages`, { body: LONG }, HX)).statusCode,
    200,
  );
  assert.equal(outbound(), 1);
});

test('a read-only database: healthz 503 naming it, the write refused with 503', async (t) => {
  const { h, agentClient, conversationId, outbound, healthz } = await setup(t);
  h.sqlite.pragma('query_only = ON');
  assert.equal(
    (await agentClient.post(`/conversations/${conversationId}/messages`, { body: 'Ready.' }, HX)).statusCode,
    503,
  );
  const health = await healthz();
  assert.equal(health.statusCode, 503);
  assert.match(health.body, /attempt to write a readonly database \(SQLITE_READONLY\)/);
  h.sqlite.pragma('query_only = OFF');
  await healthyAgain(healthz);
  assert.equal(outbound(), 0);
});

test('a reply with a file that the full database refuses leaves no file behind', async (t) => {
  const { h, agentClient, conversationId, outbound } = await setup(t);
  fillDatabase(h.sqlite);
  const res = await agentClient.postMultipart(
    `/conversations/${conversationId}/messages`,
    { body: LONG },
    [{ name: 'photo.jpg', data: jpeg() }],
    HX,
  );
  assert.equal(res.statusCode, 503);
  assert.equal(outbound(), 0);
  const media = join(h.dir, 'media');
  await until(() => readdirSync(join(media, 'tmp')).length === 0, 'the upload removed from tmp/');
  assert.deepEqual(readdirSync(media), ['tmp'], 'no file moved into place');
});

test('the probe finds a full database before any request failed, and writes nothing itself', async (t) => {
  const { h, healthz } = await setup(t);
  const before = h.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
  fillDatabase(h.sqlite);
  const health = await until(
    async () => {
      const res = await healthz();
      return res.statusCode !== 200 && res;
    },
    'healthz to notice',
    10_000,
  );
  assert.equal(health.statusCode, 503);
  assert.match(health.body, /SQLITE_FULL/);
  assert.equal(
    h.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get(),
    before,
    'the probe rolled back',
  );
});
