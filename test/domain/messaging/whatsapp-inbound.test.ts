import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timelinePage } from '../../../src/domain/conversations/timeline.ts';
import { customerReactionsOf, receiveReaction } from '../../../src/domain/messaging/customer-reactions.ts';
import { claimDue, writeDeliveries } from '../../../src/domain/messaging/delivery.ts';
import { queueReply } from '../../../src/domain/messaging/outbox.ts';
import { refusal } from '../../helper.ts';
import { whatsAppWorld } from './whatsapp-world.ts';

const ANA = '+15557654321';

test('the same wamid twice is stored once: the second call returns the first ids and announces nothing', async (t) => {
  const { h, receive, rows, events } = await whatsAppWorld();
  t.after(() => h.close());
  const first = receive({ from: ANA, senderId: 'US.1', text: 'Hi', channelMessageId: 'wamid.A' });
  const announced = events.length;
  const second = receive({ from: ANA, senderId: 'US.1', text: 'Hi', channelMessageId: 'wamid.A' });
  assert.ok(first.stored && second.stored);
  assert.equal(first.duplicate, false);
  assert.deepEqual(
    [second.conversationId, second.messageId, second.autoReplyId, second.duplicate],
    [first.conversationId, first.messageId, null, true],
  );
  assert.equal(events.length, announced, 'nothing announced for the duplicate');
  assert.deepEqual(rows(`SELECT body, channel_message_id AS id FROM messages`), [{ body: 'Hi', id: 'wamid.A' }]);
});

test('a sender known only by their WhatsApp id becomes a contact and a conversation; their number joins it later', async (t) => {
  const { h, receive, rows } = await whatsAppWorld();
  t.after(() => h.close());
  const first = receive({ senderId: 'US.42', profileName: 'Ana Lima', text: 'Hello', channelMessageId: 'wamid.1' });
  assert.ok(first.stored);
  assert.deepEqual(rows(`SELECT name, whatsapp_id AS wa FROM contacts`), [{ name: 'Ana Lima', wa: 'US.42' }]);
  assert.deepEqual(rows(`SELECT phone, whatsapp_id AS wa FROM conversations`), [{ phone: '', wa: 'US.42' }]);
  assert.deepEqual(rows(`SELECT * FROM contact_phones`), []);

  const later = receive({ from: ANA, senderId: 'US.42', text: 'It is me', channelMessageId: 'wamid.2' });
  assert.ok(later.stored);
  assert.equal(later.conversationId, first.conversationId, 'the same conversation');
  assert.deepEqual(rows(`SELECT phone, whatsapp_id AS wa FROM conversations`), [{ phone: ANA, wa: 'US.42' }]);
  const [contact] = rows(`SELECT id FROM contacts`);
  assert.deepEqual(rows(`SELECT phone, contact_id AS contactId FROM contact_phones`), [
    { phone: ANA, contactId: contact!.id },
  ]);
  assert.equal(rows(`SELECT id FROM contacts`).length, 1, 'one contact for the id and the number');
  // Written by number alone (SMS-like) now finds the same contact and conversation.
  const byNumber = receive({ from: ANA, text: 'again', channelMessageId: 'wamid.3' });
  assert.ok(byNumber.stored && byNumber.conversationId === first.conversationId);
});

test('a number that had its own contact is moved into the contact of the id when both appear together', async (t) => {
  const { h, receive, rows } = await whatsAppWorld();
  t.after(() => h.close());
  receive({ senderId: 'US.7', profileName: 'Bo', text: 'via id' });
  const other = receive({ from: ANA, senderId: 'US.8', text: 'someone else' });
  assert.ok(other.stored);
  receive({ from: ANA, senderId: 'US.7', text: 'number now with US.7' });
  const bo = rows(`SELECT id FROM contacts WHERE whatsapp_id = 'US.7'`)[0]!.id;
  assert.deepEqual(rows(`SELECT contact_id AS c FROM contact_phones WHERE phone = ?`, ANA), [{ c: bo }]);
});

test('an SMS without a number and a WhatsApp message without number or id are refused, not thrown', async (t) => {
  const { h, receive, sms, rows } = await whatsAppWorld();
  t.after(() => h.close());
  assert.deepEqual(receive({ senderId: 'US.1', text: 'sms without number' }, sms), {
    stored: false,
    reason: 'no-sender',
  });
  assert.deepEqual(receive({ text: 'nobody' }), { stored: false, reason: 'no-sender' });
  assert.deepEqual(rows(`SELECT id FROM messages`), []);
});

test('a reply quotes the customer message or ours by its channel id; places and cards are kept', async (t) => {
  const { h, admin, receive, rows } = await whatsAppWorld();
  t.after(() => h.close());
  const first = receive({ from: ANA, senderId: 'US.1', text: 'Order 5?', channelMessageId: 'wamid.in1' });
  assert.ok(first.stored);
  const ours = queueReply(h.app.domain, admin.actor, first.conversationId, 'Shipped today');
  const [due] = claimDue(h.app.domain, 10, 60_000);
  writeDeliveries(h.app.domain, [{ kind: 'sent', message: due!, carrierIds: ['wamid.out1'] }]);
  const quotesTheirs = receive({ from: ANA, senderId: 'US.1', text: 'this one', replyTo: 'wamid.in1' });
  const quotesOurs = receive({
    from: ANA,
    senderId: 'US.1',
    text: 'thanks',
    replyTo: 'wamid.out1',
    location: { latitude: 52.52, longitude: 13.405, name: 'Shop' },
    contacts: [{ name: 'Bo', phones: ['+15550001111'] }],
  });
  const unknown = receive({ from: ANA, senderId: 'US.1', text: '?', replyTo: 'wamid.nobody' });
  assert.ok(quotesTheirs.stored && quotesOurs.stored && unknown.stored);
  const row = (id: number) =>
    rows(`SELECT reply_to_id AS replyTo, content FROM messages WHERE id = ?`, id)[0] as {
      replyTo: number | null;
      content: string | null;
    };
  assert.equal(row(quotesTheirs.messageId).replyTo, first.messageId);
  assert.equal(row(quotesOurs.messageId).replyTo, ours.messageId);
  assert.deepEqual(JSON.parse(row(quotesOurs.messageId).content!), {
    location: { latitude: 52.52, longitude: 13.405, name: 'Shop' },
    contacts: [{ name: 'Bo', phones: ['+15550001111'] }],
  });
  assert.deepEqual(row(unknown.messageId), { replyTo: null, content: null });
});

test("a customer's reaction is stored per message, replaced by their next, removed by '', and announced", async (t) => {
  const { h, admin, receive, events } = await whatsAppWorld();
  t.after(() => h.close());
  const first = receive({ from: ANA, senderId: 'US.1', text: 'Hi', channelMessageId: 'wamid.in1' });
  assert.ok(first.stored);
  const ours = queueReply(h.app.domain, admin.actor, first.conversationId, 'Hello!');
  const [due] = claimDue(h.app.domain, 10, 60_000);
  writeDeliveries(h.app.domain, [{ kind: 'sent', message: due!, carrierIds: ['wamid.out1'] }]);
  const react = (channelMessageId: string, emoji: string) =>
    receiveReaction(h.app.domain, { to: '+15551230000', channelMessageId, emoji });
  const before = events.length;
  assert.equal(react('wamid.out1', '👍'), true);
  assert.deepEqual(events.slice(before), [
    {
      name: 'message.updated',
      payload: { messageId: ours.messageId, conversationId: first.conversationId, inboxId: due!.inboxId },
    },
  ]);
  assert.equal(react('wamid.in1', '😂'), true);
  assert.equal(react('wamid.out1', '❤️'), true);
  const reactions = () => customerReactionsOf(h.app.domain, [first.messageId, ours.messageId]);
  assert.deepEqual(
    reactions(),
    new Map([
      [first.messageId, '😂'],
      [ours.messageId, '❤️'],
    ]),
  );
  const shown = timelinePage(h.app.domain, admin.actor, first.conversationId).items.flatMap((i) =>
    i.kind === 'message' ? [[i.id, i.customerReaction]] : [],
  );
  assert.deepEqual(shown, [
    [first.messageId, '😂'],
    [ours.messageId, '❤️'],
  ]);
  assert.equal(react('wamid.out1', ''), true);
  assert.deepEqual(reactions(), new Map([[first.messageId, '😂']]));
  assert.equal(react('wamid.unknown', '👍'), false, 'not ours: nothing stored');
});

test('STOP on a WhatsApp number opts the sender out (by id when there is no number); nothing more may be sent', async (t) => {
  const { h, admin, receive, rows } = await whatsAppWorld();
  t.after(() => h.close());
  const stop = receive({ senderId: 'US.9', text: 'STOP', channelMessageId: 'wamid.stop' });
  assert.ok(stop.stored);
  assert.notEqual(stop.autoReplyId, null, 'the one confirmation');
  assert.deepEqual(rows(`SELECT phone, source FROM opt_outs`), [{ phone: 'US.9', source: 'keyword' }]);
  assert.equal(
    refusal(() => queueReply(h.app.domain, admin.actor, stop.conversationId, 'Wait!')),
    '422 sms.opted_out',
  );
  receive({ senderId: 'US.9', text: 'START' });
  assert.equal(
    refusal(() => queueReply(h.app.domain, admin.actor, stop.conversationId, 'Welcome back')),
    'ok',
  );

  const byNumber = receive({ from: ANA, senderId: 'US.10', text: 'stop' });
  assert.ok(byNumber.stored);
  assert.deepEqual(rows(`SELECT phone FROM opt_outs`), [{ phone: ANA }]);
});
