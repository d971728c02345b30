import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { conversations, webhookDeliveries, webhookEvents } from '../../src/db/schema/index.ts';
import { updateContact } from '../../src/domain/contacts/service.ts';
import { assignConversation, setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { claimDue, writeDeliveries } from '../../src/domain/messaging/delivery.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { removeTag, addTag } from '../../src/domain/tags/service.ts';
import { createEndpoint, webhookEventTypes } from '../../src/domain/webhooks/endpoints.ts';
import { buildContact, buildConversation, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { testApp } from '../helper.ts';

/** An endpoint for every type, and `events()`: what the triggers wrote, oldest first. */
async function world(t: Parameters<typeof testApp>[0]) {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  // Never contacted: the events are read from the queue as the triggers wrote them.
  await createEndpoint(
    h.app.domain,
    admin.actor,
    { url: 'http://192.0.2.1/hook', description: '', events: [...webhookEventTypes] },
    true,
  );
  await h.app.webhooks.stop();
  const events = () =>
    h.app.domain.db
      .select({ type: webhookEvents.type, data: webhookEvents.data, orderKey: webhookEvents.orderKey })
      .from(webhookEvents)
      .orderBy(webhookEvents.id)
      .all();
  return { h, admin, events };
}

test('conversation and message events carry what a consumer needs', async (t) => {
  const { h, admin, events } = await world(t);
  const inbox = buildInbox(h, { members: [admin] });
  const conversation = buildConversation(h, { inbox, texts: ['Hi'] });
  const before = events().length;
  const version = () =>
    h.app.domain.db.select().from(conversations).where(eq(conversations.id, conversation.id)).get()!.version;
  assignConversation(h.app.domain, admin.actor, conversation.id, version(), admin.id);
  setConversationStatus(h.app.domain, admin.actor, conversation.id, version(), 'closed');
  const tag = addTag(h.app.domain, admin.actor, conversation.id, 'Billing');
  removeTag(h.app.domain, admin.actor, conversation.id, tag.id);
  const { messageId } = queueReply(h.app.domain, admin.actor, conversation.id, 'On its way');
  const [due] = claimDue(h.app.domain, 10, 60_000);
  writeDeliveries(h.app.domain, [{ kind: 'failed', message: due!, code: '0x0b', reason: 'bad number' }]);

  const all = events();
  assert.deepEqual(
    all.slice(0, 3).map((e) => e.type),
    ['contact.created', 'conversation.created', 'message.created'],
  );
  const created = all[1]!.data;
  assert.equal(created.id, conversation.id);
  assert.equal(created.phone, conversation.phone);
  assert.equal(created.number, conversation.to);
  assert.equal(created.status, 'open');
  assert.deepEqual(created.tags, []);
  assert.match(created.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const changes = all.slice(before).map((e) => [e.type, e.data.changes ?? e.data.status]);
  assert.deepEqual(changes, [
    ['conversation.updated', { assignee_id: { from: null, to: admin.id } }],
    ['conversation.updated', { status: { from: 'open', to: 'closed' } }],
    ['conversation.updated', { tags: { added: 'Billing' } }],
    ['conversation.updated', { tags: { removed: 'Billing' } }],
    ['message.created', 'queued'],
    ['message.updated', 'failed'],
  ]);
  const assigned = all[before]!.data;
  assert.equal(assigned.assignee_name, admin.name);
  const reply = all.at(-2)!.data;
  assert.equal(reply.id, messageId);
  assert.equal(reply.direction, 'out');
  assert.equal(reply.body, 'On its way');
  assert.equal(reply.author_id, admin.id);
  const failed = all.at(-1)!.data;
  assert.equal(failed.previous_status, 'queued');
  assert.equal(failed.error_code, '0x0b');
  assert.ok(all.every((e) => e.type.startsWith('contact.') || e.orderKey === `conversation:${conversation.id}`));
});

test('contact events: updated once per change, opted out and back in', async (t) => {
  const { h, admin, events } = await world(t);
  const contact = buildContact(h, { name: 'Ana', phones: ['+15558100001'] });
  // contact.created has been sent: the edit (a name, and every number replaced) is one contact.updated of its own.
  h.app.domain.db.update(webhookDeliveries).set({ attempts: 1, status: 'succeeded' }).run();
  updateContact(h.app.domain, admin.actor, contact.id, { name: 'Ana Lima', phones: '+15558100001\n+15558100002' });
  const conversation = buildConversation(h, { from: '+15558100001' });
  receiveText(h, { to: conversation.to, from: '+15558100001', text: 'STOP' });
  receiveText(h, { to: conversation.to, from: '+15558100001', text: 'START' });

  const contactEvents = events().filter((e) => e.type.startsWith('contact.'));
  assert.deepEqual(
    contactEvents.map((e) => e.type),
    ['contact.created', 'contact.updated', 'contact.opted_out', 'contact.opted_in'],
  );
  assert.equal(contactEvents[1]!.data.name, 'Ana Lima');
  assert.deepEqual(contactEvents[1]!.data.phones, ['+15558100001', '+15558100002']);
  const out = contactEvents[2]!.data;
  assert.equal(out.phone, '+15558100001');
  assert.equal(out.number, conversation.to);
  assert.equal(out.source, 'keyword');
  assert.equal((out.contact as Record<string, unknown>).id, contact.id);
  assert.equal(contactEvents[3]!.data.phone, '+15558100001');
  assert.ok(contactEvents.every((e) => e.orderKey === `contact:${contact.id}`));
});

test("a personal number's conversations and a personal contact are never sent", async (t) => {
  const { h, events } = await world(t);
  const owner = await buildUser(h);
  const number = buildNumber(h, { owner });
  receiveText(h, { to: number, text: 'private' });
  assert.deepEqual(events(), []);
});
