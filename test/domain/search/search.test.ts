import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../../../src/db/schema/conversations.ts';
import { searchIndexProblem } from '../../../src/db/search-index.ts';
import { linkContact, updateContact } from '../../../src/domain/contacts/service.ts';
import { setConversationStatus } from '../../../src/domain/conversations/actions.ts';
import type { Actor } from '../../../src/domain/context.ts';
import { deleteNote, editNote } from '../../../src/domain/notes/service.ts';
import { postChatMessage } from '../../../src/domain/chats/messages.ts';
import { searchConversations, type SearchFilter, type SearchHit } from '../../../src/domain/search/index.ts';
import {
  atTime,
  buildChat,
  buildContact,
  buildConversation,
  buildInbox,
  buildNote,
  buildNumber,
  buildUser,
  receiveText,
} from '../../factories.ts';
import { buildTestApp, refusal } from '../../helper.ts';
import { hostileQueries } from '../../search-fuzz.ts';

/** Later than every user's creation: texts are in order. */
const T0 = Date.now() + 86_400_000;

/**
 * Support (Ann and Bo are members), Sales (Bo only), Ann's personal number; an admin.
 * Each text says which inbox it is in, plus the words a test looks for.
 */
async function setup(t: TestContext) {
  const h = await buildTestApp();
  t.after(() => h.close());
  const ctx = h.app.domain;
  const admin = await buildUser(h, { role: 'admin' });
  const ann = await buildUser(h, { name: 'Ann' });
  const bo = await buildUser(h, { name: 'Bo' });
  const support = buildInbox(h, { name: 'Support', members: [ann, bo] });
  const sales = buildInbox(h, { name: 'Sales', members: [bo] });
  const supportNo = buildNumber(h, { inbox: support });
  const salesNo = buildNumber(h, { inbox: sales });
  const annCell = buildNumber(h, { owner: ann });
  const find = (who: Actor, q: string, filter?: SearchFilter, limit = 20): SearchHit[] =>
    searchConversations(ctx, who, { q, limit, ...(filter ? { filter } : {}) }).hits;
  const ids = (who: Actor, q: string, filter?: SearchFilter): number[] =>
    find(who, q, filter).map((hit) => hit.conversationId);
  const inSync = (): void => assert.equal(searchIndexProblem(h.sqlite), null);
  const contactOf = (conversationId: number): number =>
    ctx.db
      .select({ id: conversations.contactId })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .get()!.id;
  return { h, ctx, admin, ann, bo, support, sales, supportNo, salesNo, annCell, find, ids, inSync, contactOf };
}

test('an agent finds texts only in the inboxes they may read: never another inbox, a personal inbox or a chat', async (t) => {
  const { h, ann, bo, admin, supportNo, salesNo, annCell, ids, find } = await setup(t);
  const inSupport = buildConversation(h, { number: supportNo, texts: ['the zebra parcel is late'] });
  const inSales = buildConversation(h, { number: salesNo, texts: ['zebra quote for sales'] });
  const inCell = buildConversation(h, { number: annCell, texts: ['zebra from my cousin'] });
  const chat = buildChat(h, { by: admin, name: 'Team', members: [ann, bo] });
  postChatMessage(h.app.domain, bo.actor, chat, 'zebra in the team chat');

  assert.deepEqual(ids(ann.actor, 'zebra').sort(), [inSupport.id, inCell.id].sort());
  assert.deepEqual(ids(bo.actor, 'zebra').sort(), [inSupport.id, inSales.id].sort());
  // Personal texts are personal, admins included.
  assert.deepEqual(ids(admin.actor, 'zebra').sort(), [inSupport.id, inSales.id].sort());
  // Not even a count: a hit carries only its own conversation's matches.
  assert.deepEqual(
    find(ann.actor, 'zebra').map((hit) => hit.matches),
    [1, 1],
  );
  // An inbox asked for by id that one may not read is no inbox at all.
  assert.equal(
    refusal(() => ids(ann.actor, 'zebra', { inboxId: inSales.inboxId })),
    '404 error.not_found',
  );
  assert.deepEqual(ids(bo.actor, 'zebra', { inboxId: inSales.inboxId }), [inSales.id]);
});

test('notes and contacts find their conversations; a personal book is its owner’s alone', async (t) => {
  const { h, ann, bo, supportNo, annCell, find, ids, contactOf } = await setup(t);
  const phone = '+15557771234';
  const convo = buildConversation(h, { number: supportNo, from: phone, texts: ['hello there'] });
  buildNote(h, { conversation: convo.id, author: ann, body: 'customer prefers mornings' });
  const [note] = find(bo.actor, 'mornings');
  assert.equal(note?.source, 'note');
  assert.deepEqual(note?.snippet, [
    { text: 'customer prefers ', hit: false },
    { text: 'mornings', hit: true },
  ]);

  updateContact(h.app.domain, bo.actor, contactOf(convo.id), {
    name: 'Jörg Quill',
    company: 'Quill Bäckerei',
    email: 'joerg@quill.example',
  });
  const [contact] = find(bo.actor, 'quill');
  assert.equal(contact?.source, 'contact');
  assert.equal(contact?.conversationId, convo.id);
  assert.ok(contact.snippet.some((p) => p.hit && /quill/i.test(p.text)));
  assert.deepEqual(ids(bo.actor, 'joerg@quill.example'), [convo.id]);

  // Ann's personal inbox keeps its contacts in her book: Bo, who may read nothing of it, never sees the name.
  const private1 = buildConversation(h, { number: annCell, from: '+15557770001', texts: ['hi'] });
  updateContact(h.app.domain, ann.actor, contactOf(private1.id), { name: 'Zacharias Secret' });
  assert.deepEqual(ids(ann.actor, 'zacharias'), [private1.id]);
  assert.deepEqual(ids(bo.actor, 'zacharias'), []);
});

test('German spellings find each other both ways', async (t) => {
  const { h, ann, supportNo, ids, find } = await setup(t);
  const mueller = buildConversation(h, { number: supportNo, texts: ['Herr Müller wohnt in der Großen Straße'] });
  const plain = buildConversation(h, { number: supportNo, texts: ['Frau Mueller, Grosse Strasse 3'] });
  for (const q of ['mueller', 'Müller', 'strasse', 'Straße', 'grosse', 'große', 'MÜLLER'])
    assert.deepEqual(ids(ann.actor, q).sort(), [mueller.id, plain.id].sort(), q);
  // The written word is marked, whichever spelling was typed.
  const hit = find(ann.actor, 'mueller').find((x) => x.conversationId === mueller.id);
  assert.deepEqual(
    hit?.snippet.filter((p) => p.hit).map((p) => p.text),
    ['Müller'],
  );
  // Diacritics fall away too: muller finds Müller.
  assert.deepEqual(ids(ann.actor, 'muller'), [mueller.id]);
});

test('numbers: digits of a contact’s phone in any spelling, and numbers in texts', async (t) => {
  const { h, ann, supportNo, ids } = await setup(t);
  const us = buildConversation(h, { number: supportNo, from: '+15551234567', texts: ['hi'] });
  const de = buildConversation(h, { number: supportNo, from: '+4915112345678', texts: ['hallo'] });
  const order = buildConversation(h, { number: supportNo, texts: ['my order 5550 never came'] });
  assert.deepEqual(ids(ann.actor, '5550'), [order.id]);
  assert.deepEqual(ids(ann.actor, '(555) 123'), [us.id]);
  assert.deepEqual(ids(ann.actor, '555-1234'), [us.id]);
  assert.deepEqual(ids(ann.actor, '+49 151'), [de.id]);
  assert.deepEqual(ids(ann.actor, '0151 1234'), [de.id]);
  assert.deepEqual(ids(ann.actor, '12345678'), [de.id]);
});

test('user input is text: operators, quotes and odd characters never reach FTS5 as syntax', async (t) => {
  const { h, ann, supportNo, find } = await setup(t);
  const convo = buildConversation(h, { number: supportNo, texts: ['cats AND dogs NEAR the "barn" -now +49 (x*y)'] });
  assert.deepEqual(
    find(ann.actor, '"barn"').map((x) => x.conversationId),
    [convo.id],
  );
  assert.deepEqual(
    find(ann.actor, 'cats AND dogs').map((x) => x.conversationId),
    [convo.id],
  );
  assert.deepEqual(find(ann.actor, 'cats OR zebra'), []);
  hostileQueries(500).forEach((q, i) => {
    const outcome = refusal(() => find(ann.actor, q, { order: i % 2 ? 'best' : 'newest' }));
    assert.ok(['ok', '422 search.empty'].includes(outcome), `${JSON.stringify(q)}: ${outcome}`);
  });
  assert.equal(
    refusal(() => find(ann.actor, '   ')),
    '422 search.empty',
  );
  assert.equal(
    refusal(() => find(ann.actor, 'x'.repeat(201))),
    '422 search.too_long',
  );
  assert.equal(
    refusal(() => find(ann.actor, 'a b c d e f g h i')),
    '422 search.too_many_words',
  );
  assert.equal(
    refusal(() => find(ann.actor, 'cats', undefined, 0)),
    '422 search.bad_limit',
  );
});

test('the indexes follow every insert, update and delete', async (t) => {
  const { h, ctx, ann, supportNo, ids, inSync, contactOf } = await setup(t);
  const convo = buildConversation(h, { number: supportNo, texts: ['alpha first'] });
  const note = buildNote(h, { conversation: convo.id, author: ann, body: 'bravo note' });
  const contact = updateContact(ctx, ann.actor, contactOf(convo.id), { name: 'Charlie Delta' });
  const kilo = buildContact(h, { name: 'Kilo Lima' });
  inSync();
  assert.deepEqual(ids(ann.actor, 'bravo'), [convo.id]);

  editNote(ctx, ann.actor, note, 'echo note');
  assert.deepEqual(ids(ann.actor, 'bravo'), []);
  assert.deepEqual(ids(ann.actor, 'echo'), [convo.id]);
  deleteNote(ctx, ann.actor, note);
  assert.deepEqual(ids(ann.actor, 'echo'), []);

  updateContact(ctx, ann.actor, contact.id, { name: 'Foxtrot Golf', phones: '+15559990000' });
  assert.deepEqual(ids(ann.actor, 'charlie'), []);
  assert.deepEqual(ids(ann.actor, 'foxtrot'), [convo.id]);
  inSync();

  // Linked to another contact, the conversation's number moves with it (an upsert on contact_phones): both
  // contacts' numbers are written again, and the number finds the conversation under its new contact.
  const { phone, version } = ctx.db
    .select({ phone: conversations.phone, version: conversations.version })
    .from(conversations)
    .where(eq(conversations.id, convo.id))
    .get()!;
  linkContact(ctx, ann.actor, convo.id, version, kilo.id);
  inSync();
  assert.deepEqual(ids(ann.actor, phone.slice(-7)), [convo.id]);
  assert.deepEqual(ids(ann.actor, 'kilo'), [convo.id]);
  assert.deepEqual(ids(ann.actor, 'foxtrot'), []);

  // A write from outside the app (the sqlite3 shell, say) keeps the index in step too.
  h.sqlite.prepare(`UPDATE messages SET body = 'hotel india' WHERE id = ?`).run(convo.messageIds[0]);
  assert.deepEqual(ids(ann.actor, 'alpha'), []);
  assert.deepEqual(ids(ann.actor, 'hotel'), [convo.id]);
  ctx.db.delete(messages).where(eq(messages.id, convo.messageIds[0]!)).run();
  assert.deepEqual(ids(ann.actor, 'hotel'), []);
  inSync();
  const count = (table: string): number =>
    (h.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  assert.equal(count('search_messages'), count('messages'));
  assert.equal(count('search_notes'), count('conversation_notes'));
  assert.equal(count('search_contacts'), count('contacts'));

  // Out of step is noticed: a row the index never saw.
  h.sqlite.exec('DROP TRIGGER search_messages_insert');
  receiveText(h, { to: supportNo, text: 'unseen' });
  assert.match(searchIndexProblem(h.sqlite) ?? '', /search_messages/);
});

test('grouped by conversation, newest or best first, filters combine, and the cursor pages without repeats', async (t) => {
  const { h, ctx, ann, admin, supportNo, ids, find } = await setup(t);
  const made = Array.from({ length: 5 }, (_, i) =>
    atTime(h, T0 + i * 60_000, () =>
      buildConversation(h, { number: supportNo, texts: i === 2 ? ['kiwi', 'kiwi kiwi kiwi', 'kiwi again'] : ['kiwi'] }),
    ),
  );
  const newest = find(ann.actor, 'kiwi');
  assert.deepEqual(
    newest.map((x) => x.conversationId),
    made.map((c) => c.id).reverse(),
  );
  assert.equal(newest.find((x) => x.conversationId === made[2]!.id)?.matches, 3);
  assert.equal(find(ann.actor, 'kiwi kiwi').find((x) => x.conversationId === made[2]!.id)?.matches, 3);
  assert.equal(find(ann.actor, 'kiwi', { order: 'best' })[0]?.conversationId, made[2]!.id);

  // A newer note, or a contact (as of the conversation's last activity), puts its conversation first.
  atTime(h, T0 + 30 * 60_000, () => buildNote(h, { conversation: made[0]!.id, author: ann, body: 'kiwi in a note' }));
  const byNote = find(ann.actor, 'kiwi');
  assert.deepEqual(
    byNote.map((x) => x.conversationId),
    [
      made[0]!.id,
      ...made
        .slice(1)
        .map((c) => c.id)
        .reverse(),
    ],
  );
  assert.deepEqual(
    byNote.map((x) => [x.source, x.matches]),
    [
      ['note', 2],
      ['message', 1],
      ['message', 1],
      ['message', 3],
      ['message', 1],
    ],
  );

  setConversationStatus(ctx, admin.actor, made[1]!.id, 0, 'closed');
  assert.deepEqual(ids(ann.actor, 'kiwi', { status: 'closed' }), [made[1]!.id]);
  assert.deepEqual(ids(ann.actor, 'kiwi', { from: T0 + 3 * 60_000 }), [made[4]!.id, made[3]!.id]);

  for (const order of ['newest', 'best'] as const) {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = searchConversations(ctx, ann.actor, { q: 'kiwi', filter: { order }, limit: 2, cursor });
      seen.push(...page.hits.map((x) => x.conversationId));
      cursor = page.next;
      // A new match arriving between pages does not shift the pages after it.
      if (seen.length === 2 && order === 'newest')
        atTime(h, T0 + 3_600_000, () => buildConversation(h, { number: supportNo, texts: ['kiwi new'] }));
    } while (cursor);
    // Every conversation once; newest: those matching when the search began.
    const expected = order === 'newest' ? made.map((c) => c.id) : ids(ann.actor, 'kiwi');
    assert.deepEqual([...seen].sort(), expected.sort(), order);
  }
});
