/**
 * Web Push end to end on loopback: a device subscribes through the route, a notification is created, and a push
 * service on 127.0.0.1 receives a VAPID-signed, aes128gcm-encrypted POST that decrypts to the notification.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { setPreferences } from '../../src/domain/users/preferences.ts';
import { buildChat, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { signedIn, testApp, until, type TestApp } from '../helper.ts';
import { browserKeys, checkVapid, decryptPush, startPushService } from '../push-service.ts';

async function world(t: TestContext, config: Record<string, unknown> = {}) {
  const logs: string[] = [];
  const h = await testApp(t, config, {
    logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
  });
  const service = await startPushService(t);
  const ana = await buildUser(h, { name: 'Ana' });
  const ben = await buildUser(h, { name: 'Ben' });
  const keys = browserKeys();
  const endpoint = `${service.url}/push/ana-phone`;
  const client = await signedIn(h.app, ana.email);
  const res = await client.post('/push/subscriptions', { endpoint, p256dh: keys.p256dh, auth: keys.authText });
  assert.equal(res.statusCode, 204, res.body);
  return { h, service, ana, ben, keys, endpoint, logs };
}

const devices = (h: TestApp, userId: number) =>
  h.sqlite.prepare('SELECT count(*) FROM push_subscriptions WHERE user_id = ?').pluck().get(userId);

test('a direct message reaches the device as a signed push that decrypts to the notification', async (t) => {
  const { h, service, ana, ben, keys } = await world(t, { push: { subject: 'mailto:it@example.com' } });
  const chat = buildChat(h, { by: ben, members: [ana] });
  const before = Math.floor(Date.now() / 1000);
  postChatMessage(h.app.domain, ben.actor, chat, 'Can you call the Meyers back?');
  const [push] = await until(() => service.received.length === 1 && service.received, 'the push');
  assert.ok(push);

  assert.equal(push.path, '/push/ana-phone');
  assert.equal(push.headers['content-encoding'], 'aes128gcm');
  assert.equal(push.headers['content-type'], 'application/octet-stream');
  assert.equal(push.headers.ttl, '86400');
  assert.equal(push.headers.urgency, 'high');
  const { claims, key } = checkVapid(push.headers.authorization);
  assert.equal(claims.aud, service.url, 'the audience is the push service origin');
  assert.equal(claims.sub, 'mailto:it@example.com');
  assert.ok(typeof claims.exp === 'number' && claims.exp > before && claims.exp <= before + 24 * 3600 + 60, 'exp');
  const kept = h.sqlite.prepare('SELECT public_key FROM push_keys').pluck().get();
  assert.equal(key, kept, 'signed with the key pair kept in the database');

  const notificationId = h.sqlite
    .prepare('SELECT id FROM notifications WHERE user_id = ?')
    .pluck()
    .get(ana.id) as number;
  assert.deepEqual(JSON.parse(decryptPush(push.body, keys)), {
    title: 'Ben',
    body: 'Can you call the Meyers back?',
    url: `/chats/${chat}`,
    tag: `switchboard-${notificationId}`,
  });
  // The writer is not told of their own message, and has no device anyway.
  assert.equal(service.received.length, 1);
});

test('the push is in the person’s language, and only for events they chose', async (t) => {
  const { h, service, ana, keys } = await world(t);
  h.sqlite.prepare("UPDATE users SET locale = 'de' WHERE id = ?").run(ana.id);
  buildInbox(h, { name: 'Support', members: [ana] });
  buildNumber(h, { e164: '+15551230000', inbox: 'Support' });
  // By default a new conversation brings no browser notification: no push.
  receiveText(h, { to: '+15551230000', text: 'First', from: '+15557654321' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(service.received.length, 0, 'nothing for an event not chosen');

  setPreferences(h.app.domain, ana.actor, { new_conversation: { browser: true } });
  const { conversationId } = receiveText(h, { to: '+15551230000', text: 'Hallo, ist offen?', from: '+15557654322' });
  const [push] = await until(() => service.received.length === 1 && service.received, 'the push');
  assert.equal(push!.headers.urgency, 'normal', 'a new conversation is not urgent');
  assert.deepEqual(JSON.parse(decryptPush(push!.body, keys)), {
    title: 'Neue Unterhaltung in Support: +15557654322',
    body: 'Hallo, ist offen?',
    url: `/conversations/${conversationId}`,
    tag: `switchboard-new-${conversationId}`,
  });
});

test('a push service answering 410 or 404 makes the server forget the device; other failures keep it', async (t) => {
  const { h, service, ana, ben, logs } = await world(t);
  const chat = buildChat(h, { by: ben, members: [ana] });
  service.answer = 500;
  postChatMessage(h.app.domain, ben.actor, chat, 'One');
  await until(() => service.received.length === 1, 'the first push');
  const failed = await until(() => logs.find((l) => l.includes('push failed')), 'the failure logged');
  assert.match(failed, /"reason":"HTTP 500"/);
  assert.match(failed, new RegExp(`"service":"${new URL(service.url).host}"`));
  assert.ok(!logs.some((l) => l.includes('ana-phone')), 'the endpoint, a secret, is never logged');
  assert.equal(devices(h, ana.id), 1, 'a failing push service is no reason to forget the device');

  service.answer = 410;
  postChatMessage(h.app.domain, ben.actor, chat, 'Two');
  await until(() => devices(h, ana.id) === 0, 'the device forgotten after 410');

  const other = browserKeys();
  const client = await signedIn(h.app, ana.email);
  await client.post('/push/subscriptions', {
    endpoint: `${service.url}/push/ana-laptop`,
    p256dh: other.p256dh,
    auth: other.authText,
  });
  service.answer = 404;
  postChatMessage(h.app.domain, ben.actor, chat, 'Three');
  await until(() => devices(h, ana.id) === 0, 'the device forgotten after 404');
  assert.equal(service.received.length, 3);
});
