import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { startMessaging } from '../../src/channels/start.ts';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { validateConfig } from '../../src/config/load.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildConversation, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp, signedIn, testApp, until } from '../helper.ts';

/** The value of one sample, by its name with labels exactly as the text format writes them. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) return undefined;
  const value = line.slice(series.length + 1);
  return value === '+Inf' ? Infinity : Number(value);
}

const FAMILIES = [
  'switchboard_messages_total',
  'switchboard_outbox_messages',
  'switchboard_outbox_oldest_age_seconds',
  'switchboard_delivery_receipt_seconds',
  'switchboard_channel_state',
  'switchboard_channel_reconnects_total',
  'switchboard_websocket_connections',
  'switchboard_http_request_duration_seconds',
  'switchboard_backup_age_seconds',
  'nodejs_eventloop_lag_seconds',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
];

test('/metrics after a text, a reply through the sandbox SMSC and its receipt, with a tab open', async (t) => {
  const h = await buildTestApp();
  const messaging = await startMessaging(h.app, undefined, pino({ level: 'silent' }));
  t.after(async () => {
    await messaging.stop();
    await h.close();
  });
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  await client.get('/sandbox');
  await client.post('/sandbox/messages', { phone: '+15557654321', to: SANDBOX.number, text: 'Hello there' });
  const conversationId = await until(
    () =>
      h.sqlite.prepare(`SELECT conversation_id FROM messages WHERE direction = 'in'`).pluck().get() as
        number | undefined,
    'the text stored',
  );
  await client.get(`/conversations/${conversationId}`);
  assert.equal(
    (await client.post(`/conversations/${conversationId}/messages`, { body: 'Thanks, on it' })).statusCode,
    303,
  );
  await until(
    () => h.sqlite.prepare(`SELECT status FROM messages WHERE direction = 'out'`).pluck().get() === 'delivered',
    'the receipt',
  );
  await h.app.backups.run('server');

  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, { headers: { cookie: client.cookieHeader } });
  t.after(() => socket.close());
  await new Promise((resolve, reject) => socket.once('message', resolve).once('error', reject));

  const res = await h.app.inject('/metrics');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const body = res.body;
  for (const family of FAMILIES) assert.match(body, new RegExp(`^# TYPE ${family} `, 'm'), family);

  for (const status of ['received', 'queued', 'sent', 'delivered']) {
    assert.equal(sample(body, `switchboard_messages_total{channel="sandbox",status="${status}"}`), 1, status);
  }
  assert.equal(sample(body, 'switchboard_delivery_receipt_seconds_count{channel="sandbox"}'), 1);
  const receiptS = sample(body, 'switchboard_delivery_receipt_seconds_sum{channel="sandbox"}')!;
  assert.ok(receiptS >= 0.2 && receiptS < 10, `the sandbox answers after 300 ms: ${receiptS}`);
  assert.equal(sample(body, 'switchboard_outbox_messages'), 0);
  assert.equal(sample(body, 'switchboard_outbox_oldest_age_seconds'), 0);
  assert.equal(sample(body, 'switchboard_channel_state{channel="sandbox",kind="smpp",state="bound"}'), 1);
  assert.equal(sample(body, 'switchboard_channel_state{channel="sandbox",kind="smpp",state="down"}'), 0);
  assert.equal(sample(body, 'switchboard_channel_reconnects_total{channel="sandbox",kind="smpp"}'), 0);
  assert.equal(sample(body, 'switchboard_websocket_connections'), 1);
  const backupAge = sample(body, 'switchboard_backup_age_seconds')!;
  assert.ok(backupAge >= 0 && backupAge < 60, `the backup just made: ${backupAge}`);

  // Route patterns, not URLs: one series for every conversation.
  assert.ok(
    sample(
      body,
      'switchboard_http_request_duration_seconds_count{method="GET",route="/conversations/:id",status_class="2xx"}',
    )! >= 1,
  );
  assert.ok(
    sample(
      body,
      'switchboard_http_request_duration_seconds_count{method="POST",route="/conversations/:id/messages",status_class="3xx"}',
    )! >= 1,
  );
  assert.doesNotMatch(body, new RegExp(`route="[^"]*/${conversationId}[/"]`), 'no id in a route label');

  socket.close();
  await until(() => h.app.hub.connections() === 0, 'the tab closed');
  assert.equal(sample((await h.app.inject('/metrics')).body, 'switchboard_websocket_connections'), 0);
});

test('the outbox depth and the age of its oldest message come from the database', async (t) => {
  const h = await testApp(t);
  const number = buildNumber(h, { smpp: 'carrier', registration: 'not-required' });
  const agent = await buildUser(h, { role: 'admin' });
  const start = Date.now();
  h.app.domain.now = () => start;
  const conversationId = buildConversation(h, { number, texts: ['hi'] }).id;
  queueReply(h.app.domain, agent.actor, conversationId, 'first');
  h.app.domain.now = () => start + 30_000;
  queueReply(h.app.domain, agent.actor, conversationId, 'second');
  h.app.domain.now = () => start + 90_000;

  const body = (await h.app.inject('/metrics')).body;
  assert.equal(sample(body, 'switchboard_outbox_messages'), 2);
  assert.equal(sample(body, 'switchboard_outbox_oldest_age_seconds'), 90);
  assert.equal(sample(body, 'switchboard_messages_total{channel="carrier",status="queued"}'), 2);
  assert.equal(sample(body, 'switchboard_backup_age_seconds'), Infinity, 'no backup yet');
});

test('/metrics answers loopback and the bearer token; anyone else, and anything a proxy forwarded, gets 404', async (t) => {
  const token = 'a-long-random-metrics-token-0123456789';
  const h = await testApp(t, { metrics: { token }, server: { trust_proxy: true } });
  const scrape = (remoteAddress: string, headers: Record<string, string> = {}) =>
    h.app.inject({ url: '/metrics', remoteAddress, headers });
  const unknownPage = await h.app.inject({ url: '/no-such-page', remoteAddress: '203.0.113.9' });

  assert.equal((await scrape('127.0.0.1')).statusCode, 200);
  assert.equal((await scrape('::1')).statusCode, 200);
  assert.equal((await scrape('::ffff:127.0.0.1')).statusCode, 200);
  const outsider = await scrape('203.0.113.9');
  assert.equal(outsider.statusCode, 404);
  assert.equal(outsider.body, unknownPage.body, 'the same answer as a page that does not exist');
  assert.equal((await scrape('203.0.113.9', { authorization: `Bearer ${token}` })).statusCode, 200);
  assert.equal((await scrape('203.0.113.9', { authorization: `Bearer ${token}x` })).statusCode, 404);
  assert.equal((await scrape('203.0.113.9', { authorization: `Basic ${token}` })).statusCode, 404);
  // With trust_proxy the request's ip is the header's, which anyone can write: the socket decides.
  assert.equal((await scrape('203.0.113.9', { 'x-forwarded-for': '127.0.0.1' })).statusCode, 404);
  // A reverse proxy on this machine connects from loopback, for everyone it serves.
  assert.equal((await scrape('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).statusCode, 404);
  assert.equal(
    (await scrape('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${token}` })).statusCode,
    200,
  );

  const none = await testApp(t);
  assert.equal(
    (await none.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer ' } }))
      .statusCode,
    404,
  );
});

test('a metrics token is at least 24 characters, and only one of token and token_env', () => {
  assert.throws(() => validateConfig({ metrics: { token: 'short' } }, 'test'), /metrics\.token.*24/s);
  assert.throws(
    () => validateConfig({ metrics: { token: 'x'.repeat(24), token_env: 'METRICS_TOKEN' } }, 'test'),
    /at most one/,
  );
  assert.equal(validateConfig({ metrics: { token_env: 'METRICS_TOKEN' } }, 'test').metrics.token_env, 'METRICS_TOKEN');
});
