import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { contacts, webhookDeliveries, webhookEndpoints, webhookEvents } from '../../src/db/schema/index.ts';
import { addTag } from '../../src/domain/tags/service.ts';
import { createEndpoint, rotateSecret, endRotation, getEndpoint } from '../../src/domain/webhooks/endpoints.ts';
import { KEEP_MS, pruneWebhookLog, RETRY_DELAYS_MS } from '../../src/domain/webhooks/queue.ts';
import { buildContact, buildConversation, buildUser, receiveText } from '../factories.ts';
import { testApp, until } from '../helper.ts';
import { startReceiver } from './receiver.ts';

const PRIVATE_OK = { webhooks: { allow_private: true } };

async function world(t: Parameters<typeof testApp>[0], events: string[]) {
  const h = await testApp(t, PRIVATE_OK);
  const receiver = await startReceiver(t);
  const admin = await buildUser(h, { role: 'admin' });
  const endpoint = await createEndpoint(
    h.app.domain,
    admin.actor,
    { url: receiver.url, description: '', events },
    true,
  );
  return { h, w: h, receiver, admin, endpoint };
}

/** Moves the app's clock forward (the dispatcher's time is the domain's) and lets the dispatcher look at once. */
function advance(h: Awaited<ReturnType<typeof testApp>>, ms: number): void {
  const base = h.app.domain.now();
  h.app.domain.now = () => base + ms;
  h.app.webhooks.run();
}

const deliveryRows = (h: Awaited<ReturnType<typeof testApp>>) =>
  h.app.domain.db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id).all();

test('events are posted signed per Standard Webhooks, with the documented body', async (t) => {
  const { w, receiver, endpoint, admin } = await world(t, [
    'conversation.created',
    'message.created',
    'conversation.updated',
  ]);
  const conversation = buildConversation(w, { texts: ['Where is my order?'] });
  addTag(w.app.domain, admin.actor, conversation.id, 'VIP');

  await until(() => receiver.received.length >= 3, 'three events');
  assert.deepEqual(
    receiver.received.map((r) => r.event.type),
    ['conversation.created', 'message.created', 'conversation.updated'],
  );
  const verifier = new Webhook(endpoint.secret);
  for (const r of receiver.received) {
    assert.doesNotThrow(() => verifier.verify(r.body, r.headers as Record<string, string>), r.event.type);
    assert.match(r.headers['webhook-id'] as string, /^msg_[0-9a-f]{24}$/);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.ok(!Number.isNaN(Date.parse(r.event.timestamp)));
  }
  const message = receiver.ofType('message.created')[0]!.event.data;
  assert.equal(message.body, 'Where is my order?');
  assert.equal(message.direction, 'in');
  assert.equal(message.conversation_id, conversation.id);
  assert.equal((message.conversation as Record<string, unknown>).phone, conversation.phone);
  const updated = receiver.ofType('conversation.updated')[0]!.event.data;
  assert.deepEqual(updated.tags, ['VIP']);
  assert.deepEqual(updated.changes, { tags: { added: 'VIP' } });
  // A wrong secret does not verify: the signature is really over this body.
  assert.throws(() =>
    new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(
      receiver.received[0]!.body,
      receiver.received[0]!.headers as Record<string, string>,
    ),
  );
});

test('during a rotation both secrets sign, until the previous one is retired', async (t) => {
  const { w, receiver, endpoint, admin } = await world(t, ['message.created']);
  rotateSecret(w.app.domain, admin.actor, endpoint.id);
  const rotated = getEndpoint(w.app.domain, admin.actor, endpoint.id);
  assert.equal(rotated.previousSecret, endpoint.secret);
  const conversation = buildConversation(w);
  await until(() => receiver.received.length === 1, 'the first message');
  const first = receiver.received[0]!;
  assert.equal((first.headers['webhook-signature'] as string).split(' ').length, 2);
  for (const secret of [endpoint.secret, rotated.secret]) {
    assert.doesNotThrow(() => new Webhook(secret).verify(first.body, first.headers as Record<string, string>));
  }

  endRotation(w.app.domain, admin.actor, endpoint.id);
  receiveText(w, { to: conversation.to, from: conversation.phone, text: 'again' });
  await until(() => receiver.received.length === 2, 'the second message');
  const second = receiver.received[1]!;
  assert.equal((second.headers['webhook-signature'] as string).split(' ').length, 1);
  assert.throws(() => new Webhook(endpoint.secret).verify(second.body, second.headers as Record<string, string>));
  assert.doesNotThrow(() => new Webhook(rotated.secret).verify(second.body, second.headers as Record<string, string>));
});

test('a 500 is retried after the backoff with the same webhook-id and body; only a 2xx counts', async (t) => {
  const { h, w, receiver } = await world(t, ['message.created']);
  receiver.answer((r) => (receiver.received.indexOf(r) === 0 ? 500 : receiver.received.indexOf(r) === 1 ? 302 : 204));
  buildConversation(w);

  await until(() => deliveryRows(h)[0]?.attempts === 1 && deliveryRows(h)[0]?.status === 'pending', 'first attempt');
  const [after500] = deliveryRows(h);
  assert.equal(after500!.responseCode, 500);
  assert.equal(after500!.responseExcerpt, 'seen message.created');
  // The wait counts from when the answer came.
  const wait = after500!.nextAttemptAt - after500!.lastAttemptAt!;
  assert.ok(wait >= RETRY_DELAYS_MS[0] && wait < RETRY_DELAYS_MS[0] + 1000, `waits ${wait} ms`);
  assert.equal(receiver.received.length, 1, 'nothing before the wait is over');

  advance(h, RETRY_DELAYS_MS[0] + 1);
  await until(() => deliveryRows(h)[0]?.attempts === 2 && deliveryRows(h)[0]?.status === 'pending', 'second attempt');
  assert.equal(deliveryRows(h)[0]!.responseCode, 302, 'a redirect is not followed, and fails');
  advance(h, RETRY_DELAYS_MS[0] + RETRY_DELAYS_MS[1] + 2);
  await until(() => deliveryRows(h)[0]?.status === 'succeeded', 'third attempt');

  assert.equal(receiver.received.length, 3);
  assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1);
  assert.equal(new Set(receiver.received.map((r) => r.body)).size, 1);
  assert.equal(deliveryRows(h)[0]!.responseCode, 204);
});

test('after the last retry fails the delivery gives up, and the next event of the conversation goes', async (t) => {
  const { h, w, receiver } = await world(t, ['message.created']);
  receiver.answer((r) => (r.event.data.body === 'first' ? 503 : 200));
  const conversation = buildConversation(w, { texts: ['first'] });
  receiveText(w, { to: conversation.to, from: conversation.phone, text: 'second' });

  let elapsed = 0;
  for (const [i, wait] of RETRY_DELAYS_MS.entries()) {
    await until(
      () => deliveryRows(h)[0]?.attempts === i + 1 && deliveryRows(h)[0]?.status !== 'sending',
      `attempt ${i + 1}`,
    );
    assert.equal(receiver.ofType('message.created').filter((r) => r.event.data.body === 'second').length, 0);
    elapsed += wait + 1;
    advance(h, elapsed);
  }
  await until(() => deliveryRows(h)[0]?.status === 'failed', 'gave up');
  assert.equal(deliveryRows(h)[0]!.attempts, RETRY_DELAYS_MS.length + 1);
  await until(() => deliveryRows(h)[1]?.status === 'succeeded', 'the next one');
});

test('410 Gone gives up and disables the endpoint', async (t) => {
  const { h, w, receiver, endpoint } = await world(t, ['message.created']);
  receiver.answer(() => 410);
  buildConversation(w);
  await until(() => deliveryRows(h)[0]?.status === 'failed', 'the delivery fails');
  const row = h.app.domain.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)).get()!;
  assert.equal(row.enabled, false);
  assert.equal(row.disabledReason, 'gone');
  // Disabled: new changes queue nothing for it.
  buildConversation(w);
  assert.equal(deliveryRows(h).length, 1);
});

test('in order per conversation: the next event waits for the one before; other conversations do not', async (t) => {
  const { h, w, receiver } = await world(t, ['message.created']);
  receiver.answer((r) => (r.event.data.body === 'one' ? 500 : 200));
  const slow = buildConversation(w, { texts: ['one'] });
  receiveText(w, { to: slow.to, from: slow.phone, text: 'two' });
  buildConversation(w, { texts: ['elsewhere'] });

  await until(() => receiver.received.some((r) => r.event.data.body === 'elsewhere'), 'the other conversation');
  await until(() => deliveryRows(h)[0]?.status === 'pending' && deliveryRows(h)[0]?.attempts === 1, 'first failed');
  assert.deepEqual(
    receiver.received.map((r) => r.event.data.body).filter((b) => b !== 'elsewhere'),
    ['one'],
    '"two" waits for "one"',
  );
  receiver.answer(() => 200);
  advance(h, RETRY_DELAYS_MS[0] + 1);
  await until(() => receiver.received.some((r) => r.event.data.body === 'two'), 'two after one');
  assert.deepEqual(
    receiver.received.map((r) => r.event.data.body).filter((b) => b !== 'elsewhere'),
    ['one', 'one', 'two'],
  );
});

test('a change that rolls back leaves no event; the same change committed leaves one', async (t) => {
  const { h } = await world(t, ['contact.created']);
  const insert = (tx: Parameters<Parameters<typeof h.app.domain.db.transaction>[0]>[0]) =>
    tx.insert(contacts).values({ name: 'Ana', createdAt: Date.now() }).run();
  assert.throws(() =>
    h.app.domain.db.transaction((tx) => {
      insert(tx);
      throw new Error('rolled back');
    }),
  );
  assert.equal(h.app.domain.db.select().from(webhookEvents).all().length, 0);
  h.app.domain.db.transaction((tx) => insert(tx));
  assert.equal(h.app.domain.db.select().from(webhookEvents).all().length, 1);
});

test('a contact created with its numbers is one contact.created carrying them', async (t) => {
  const { w, receiver } = await world(t, ['contact.created', 'contact.updated']);
  const contact = buildContact(w, { name: 'Ana Lima', phones: ['+15558000001', '+15558000002'] });
  await until(() => receiver.received.length === 1, 'contact.created');
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(receiver.received.length, 1, 'no contact.updated for the numbers added with it');
  const data = receiver.received[0]!.event.data;
  assert.equal(receiver.received[0]!.event.type, 'contact.created');
  assert.equal(data.id, contact.id);
  assert.equal(data.name, 'Ana Lima');
  assert.deepEqual(data.phones, ['+15558000001', '+15558000002']);
});

test('nothing is queued while no endpoint is enabled', async (t) => {
  const h = await testApp(t, PRIVATE_OK);
  buildConversation(h);
  assert.equal(h.app.domain.db.select().from(webhookEvents).all().length, 0);
});

test('after 30 days an event with nothing left to send is forgotten with its deliveries; a pending one stays', async (t) => {
  const { h, w, receiver } = await world(t, ['message.created']);
  receiver.answer((r) => (r.event.data.body === 'never' ? 500 : 200));
  buildConversation(w, { texts: ['delivered'] });
  buildConversation(w, { texts: ['never'] });
  await until(() => deliveryRows(h).some((d) => d.status === 'succeeded'), 'one delivered');
  await until(() => deliveryRows(h).some((d) => d.status === 'pending' && d.attempts === 1), 'one waiting');

  h.app.domain.now = () => Date.now() + KEEP_MS + 60_000;
  assert.equal(pruneWebhookLog(h.app.domain), 1);
  assert.deepEqual(
    deliveryRows(h).map((d) => d.status),
    ['pending'],
  );
  assert.equal(h.app.domain.db.select().from(webhookEvents).all().length, 1);
});
