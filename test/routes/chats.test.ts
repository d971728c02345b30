import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { LIMITS } from '../../src/domain/limits.ts';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { mentionedIn } from '../../src/domain/mentions.ts';
import { buildChat, buildConversation, buildInbox, buildUser } from '../factories.ts';
import { jpeg } from '../fixtures/media.ts';
import { PATHOLOGICAL } from '../formatting/pathological.ts';
import { signedIn, type TestApp, testApp } from '../helper.ts';
import { alertOf, HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada Admin' });
  const mia = await buildUser(h, { role: 'manager', name: 'Mia Manager' });
  const ana = await buildUser(h, { name: 'Ana Alvarez' });
  const ben = await buildUser(h, { name: 'Ben Baker' });
  const cleo = await buildUser(h, { name: 'Cleo Clark' });
  const support = buildInbox(h, { name: 'Support', members: [mia, ana, ben] }).id;
  const conversationId = buildConversation(h, { inbox: 'Support' }).id;
  const sign = (u: { email: string }) => signedIn(h.app, u.email);
  return { h, admin, mia, ana, ben, cleo, support, conversationId, sign };
}

const notificationsOf = (h: TestApp, userId: number) =>
  h.sqlite
    .prepare(
      `SELECT kind, chat_id AS chatId, conversation_id AS conversationId, excerpt FROM notifications WHERE user_id = ? AND kind <> 'new_conversation' ORDER BY id`,
    )
    .all(userId) as { kind: string; chatId: number | null; conversationId: number | null; excerpt: string }[];

test('mentions: a full name, or a first name only one person has; case and punctuation do not matter', () => {
  const people = [
    { id: 1, name: 'Ana Alvarez' },
    { id: 2, name: 'Ben Baker' },
    { id: 3, name: 'Ben Brown' },
  ];
  assert.deepEqual(mentionedIn('@ana can you look?', people), [1]);
  assert.deepEqual(mentionedIn('thanks @Ben Brown!', people), [3]);
  assert.deepEqual(mentionedIn('@Ben, two of you', people), [], 'an ambiguous first name mentions nobody');
  assert.deepEqual(
    mentionedIn('mail ana@example.com or @anastasia', people),
    [],
    'not inside a word, not a longer word',
  );
  assert.deepEqual(mentionedIn('@Ana Alvarez and @ana again', people), [1]);
});

// How long others wait meanwhile is a speed, measured by `npm run bench markdown`; this proves the pages are whole.
test('crafted Markdown in a chat: the longest messages a chat takes are stored and the chat shows them all', async (t) => {
  const { h, ana, ben, sign } = await setup(t);
  const a = await sign(ana);
  const url = `/chats/${buildChat(h, { by: ana, members: [ben] })}`;
  // The longest messages a chat takes, each built to make a Markdown reader backtrack or rescan.
  const crafted = Object.values(PATHOLOGICAL).map((make) => make(LIMITS.chatText).slice(0, LIMITS.chatText));
  for (const body of crafted) {
    const res = await a.post(`${url}/messages`, { body }, HX);
    assert.equal(res.statusCode, 200, alertOf(res.body));
  }
  const page = (await (await sign(ben)).get(url)).body;
  assert.equal(page.match(/id="chat-message-\d+"/g)?.length, crafted.length, 'every message is on the page');
});

test('direct chats: one per pair, private to the two, unread counted until opened, a notification for the other', async (t) => {
  const { h, ana, ben, cleo, sign } = await setup(t);
  const a = await sign(ana);
  const list = await a.get('/chats');
  assert.match(list.body, /Message Ben Baker/);
  await a.get('/chats');
  const opened = await a.post('/chats/direct', { user: String(ben.id) });
  assert.equal(opened.statusCode, 303);
  const url = opened.headers.location as string;
  assert.match(url, /^\/chats\/\d+$/);
  assert.equal((await a.post('/chats/direct', { user: String(ben.id) })).headers.location, url, 'the same chat again');
  assert.equal((await a.post('/chats/direct', { user: String(ana.id) })).statusCode, 422, 'not with oneself');
  assert.equal((await a.post('/chats/direct', { user: '99999' })).statusCode, 404);

  await a.get(url);
  assert.equal((await a.post(`${url}/messages`, { body: 'Hi **Ben**, got a minute?' }, HX)).statusCode, 200);
  assert.equal((await a.post(`${url}/messages`, { body: '   ' }, HX)).statusCode, 422);
  assert.equal((await a.post(`${url}/messages`, { body: 'x'.repeat(4001) }, HX)).statusCode, 422);
  assert.equal((await a.post(`${url}/messages`, { body: 'x' }, { csrf: false })).statusCode, 403);

  const b = await sign(ben);
  const benList = await b.get('/chats');
  assert.match(benList.body, /Ana Alvarez<\/strong> <span class="badge">1 unread<\/span>/);
  assert.match(benList.body, /1 unread chat message</, 'in the navigation');
  assert.deepEqual(
    notificationsOf(h, ben.id).map((n) => [n.kind, n.excerpt]),
    [['direct', 'Hi Ben, got a minute?']],
  );
  assert.deepEqual(notificationsOf(h, ana.id), [], 'nobody hears of their own message');
  const page = await b.get(url);
  assert.match(page.body, /Hi <strong>Ben<\/strong>, got a minute\?/);
  const after = (await b.get('/chats')).body;
  assert.doesNotMatch(after, /<span class="badge">1 unread<\/span>|1 unread chat message</, 'read once opened');

  const c = await sign(cleo);
  assert.equal((await c.get(url)).statusCode, 404, 'a direct chat is the two people’s only');
  await c.get('/chats');
  assert.equal((await c.post(`${url}/messages`, { body: 'let me in' })).statusCode, 404);
  assert.equal((await c.get(`${url}/messages?before=999`)).statusCode, 404);
});

test('own messages are edited and deleted in place; other people’s are not', async (t) => {
  const { h, ana, ben, sign } = await setup(t);
  const a = await sign(ana);
  const url = `/chats/${buildChat(h, { by: ana, members: [ben] })}`;
  await a.get(url);
  await a.post(`${url}/messages`, { body: 'Meeting at 3' }, HX);
  const id = h.sqlite.prepare('SELECT id FROM chat_messages').pluck().get() as number;
  const b = await sign(ben);
  await b.get(url);
  assert.equal((await b.post(`/chat-messages/${id}/edit`, { body: 'hacked' }, HX)).statusCode, 404);
  assert.equal((await b.post(`/chat-messages/${id}/delete`, {}, HX)).statusCode, 404);
  assert.equal(
    (await b.post(`/chat-messages/${id}/reactions`, { emoji: '👍' }, HX)).statusCode,
    204,
    'but anyone in the chat reacts',
  );
  assert.equal((await a.post(`/chat-messages/${id}/edit`, { body: 'Meeting at 4' }, HX)).statusCode, 204);
  let shown = (await a.get(url)).body;
  assert.match(shown, /Meeting at 4/);
  assert.match(shown, /· edited/);
  assert.match(shown, /👍\uFE0F? 1/u);
  assert.equal((await a.post(`/chat-messages/${id}/delete`, {}, HX)).statusCode, 204);
  shown = (await a.get(url)).body;
  assert.match(shown, /This message was deleted\./);
  assert.doesNotMatch(shown, /Meeting at 4|👍\uFE0F? 1/u);
  assert.equal(
    (await a.post(`/chat-messages/${id}/edit`, { body: 'back' }, HX)).statusCode,
    404,
    'a deleted message stays deleted',
  );
});

test('team chats: managers create and manage them, members leave, mentions notify only the named; an inbox’s chat follows the inbox', async (t) => {
  const { h, admin, mia, ana, ben, cleo, support, sign } = await setup(t);
  const a = await sign(ana);
  await a.get('/chats');
  assert.equal(
    (await a.post('/chats', { name: 'Lunch', members: [String(ben.id)] })).statusCode,
    403,
    'agents do not create team chats',
  );
  const m = await sign(mia);
  const page = await m.get('/chats');
  assert.match(page.body, /New team chat/);
  const bad = await m.post('/chats', { name: ' ', members: [String(ana.id)] });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Give the chat a name of 1 to 60 characters\./);
  assert.equal((await m.post('/chats', { name: 'Ops', members: ['99999'] })).statusCode, 422);
  const created = await m.post('/chats', { name: 'Ops', members: [String(ana.id), String(ben.id)] });
  assert.equal(created.statusCode, 303);
  const url = created.headers.location as string;

  await m.get(url);
  await m.post(`${url}/messages`, { body: 'Shift swap: @ana can you take Friday?' }, HX);
  assert.deepEqual(
    notificationsOf(h, ana.id).map((n) => n.kind),
    ['mention'],
  );
  assert.deepEqual(notificationsOf(h, ben.id), [], 'a team message without a mention notifies nobody');
  const c = await sign(cleo);
  assert.equal((await c.get(url)).statusCode, 404);

  const b = await sign(ben);
  await b.get(url);
  assert.equal((await b.post(`${url}/leave`, {})).statusCode, 303);
  assert.equal((await b.get(url)).statusCode, 404, 'gone after leaving');
  assert.equal(
    (await m.post(`${url}/settings`, { name: 'Ops team', members: [String(ana.id), String(cleo.id)] })).statusCode,
    303,
  );
  assert.equal((await c.get(url)).statusCode, 200, 'added by the manager');
  assert.match((await c.get(url)).body, /Ops team/);

  // The inbox's chat: its members are the inbox's, now and later.
  await m.get('/chats');
  const inboxChat = (await m.post('/chats', { name: 'Support room', inbox: String(support) })).headers
    .location as string;
  assert.equal((await m.post('/chats', { name: 'Second', inbox: String(support) })).statusCode, 409);
  assert.equal((await a.get(inboxChat)).statusCode, 200);
  assert.equal((await c.get(inboxChat)).statusCode, 404);
  setMembers(h.app.domain, admin.actor, support, [mia.id, ana.id, ben.id, cleo.id]);
  assert.equal((await c.get(inboxChat)).statusCode, 200, 'joined with the inbox');
  await a.get(inboxChat);
  assert.equal((await a.post(`${inboxChat}/leave`, {})).statusCode, 422, 'left only by leaving the inbox');
});

test('history pages backwards; files in a chat are its members’ only', async (t) => {
  const { h, ana, ben, cleo, sign } = await setup(t);
  const a = await sign(ana);
  const url = `/chats/${buildChat(h, { by: ana, members: [ben] })}`;
  await a.get(url);
  for (let i = 1; i <= 45; i++) await a.post(`${url}/messages`, { body: `message ${i}` }, HX);
  const page = (await a.get(url)).body;
  assert.match(page, /message 45/);
  assert.doesNotMatch(page, /message 5</);
  const before = /messages\?before=(\d+)/.exec(page)![1];
  const earlier = await a.get(`${url}/messages?before=${before}`, HX.headers);
  assert.match(earlier.body, /message 1</);
  assert.match(earlier.body, /message 5</);
  assert.doesNotMatch(earlier.body, /Show earlier messages/, 'the start of the chat');

  const sent = await a.postMultipart(
    `${url}/messages`,
    { body: 'the plan' },
    [{ name: 'plan.jpg', data: jpeg(100, 100, 3000) }],
    HX,
  );
  assert.equal(sent.statusCode, 200);
  const id = h.sqlite.prepare(`SELECT id FROM chat_messages WHERE body = 'the plan'`).pluck().get() as number;
  assert.match((await a.get(url)).body, new RegExp(`<img src="/chat-media/${id}/0" alt="plan.jpg"`));
  const b = await sign(ben);
  assert.equal((await b.get(`/chat-media/${id}/0`)).statusCode, 200);
  const c = await sign(cleo);
  assert.equal((await c.get(`/chat-media/${id}/0`)).statusCode, 404);
  const refused = await a.postMultipart(
    `${url}/messages`,
    { body: 'virus' },
    [{ name: 'x.jpg', data: Buffer.from('MZ\x90\x00not a picture') }],
    HX,
  );
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /x\.jpg is not a file type/);
});

test('private notes: on the timeline for the team, never queued for the customer; a mention notifies with a link', async (t) => {
  const { h, ana, ben, cleo, conversationId, sign } = await setup(t);
  const messages = () => h.sqlite.prepare('SELECT count(*) FROM messages').pluck().get();
  const before = messages();
  const a = await sign(ana);
  const page = await a.get(`/conversations/${conversationId}`);
  assert.match(page.body, /<label for="note-body">Private note<\/label>/);
  const added = await a.post(
    `/conversations/${conversationId}/notes`,
    { note: '@Ben Baker she called about the **refund**' },
    HX,
  );
  assert.equal(added.statusCode, 200);
  assert.equal(messages(), before, 'a note is not a message: nothing for the outbox');
  assert.equal((await a.post(`/conversations/${conversationId}/notes`, { note: '' }, HX)).statusCode, 422);
  assert.deepEqual(
    notificationsOf(h, ben.id).map((n) => [n.kind, n.conversationId, n.excerpt]),
    [['mention', conversationId, '@Ben Baker she called about the refund']],
  );

  const b = await sign(ben);
  const seen = (await b.get(`/conversations/${conversationId}`)).body;
  assert.match(seen, /Private note<\/strong> · <span>Ana Alvarez<\/span>/);
  assert.match(seen, /she called about the <strong>refund<\/strong>/);
  assert.doesNotMatch(seen, /Edit note/, 'only the author edits');
  const noteId = h.sqlite.prepare('SELECT id FROM conversation_notes').pluck().get() as number;
  assert.equal((await b.post(`/notes/${noteId}/edit`, { note: 'mine now' }, HX)).statusCode, 404);

  const c = await sign(cleo);
  await c.get('/conversations');
  assert.equal(
    (await c.post(`/conversations/${conversationId}/notes`, { note: 'hello' })).statusCode,
    404,
    'not in Support',
  );
  assert.equal((await c.post(`/notes/${noteId}/delete`, {})).statusCode, 404);

  assert.equal((await a.post(`/notes/${noteId}/edit`, { note: 'refund approved' }, HX)).statusCode, 204);
  assert.match((await a.get(`/conversations/${conversationId}`)).body, /refund approved/);
  assert.equal((await a.post(`/notes/${noteId}/delete`, {}, HX)).statusCode, 204);
  assert.match((await a.get(`/conversations/${conversationId}`)).body, /This note was deleted\./);
});

test('typing @ offers the teammates who can read it: chat members, or the people of the conversation’s inbox', async (t) => {
  const { h, ana, ben, cleo, conversationId, sign } = await setup(t);
  const a = await sign(ana);
  const chatId = String(buildChat(h, { by: ana, members: [ben] }));
  const suggest = (form: Record<string, string>) => a.post('/mentions/suggest', form, HX);
  const inChat = await suggest({ body: 'hey @b', field: 'chat-body', chat: chatId });
  assert.match(inChat.body, /data-insert-mention="Ben Baker" data-target="chat-body">Mention Ben Baker</);
  assert.doesNotMatch(
    (await suggest({ body: 'hey @c', field: 'chat-body', chat: chatId })).body,
    /Cleo/,
    'not in this chat',
  );
  assert.equal((await suggest({ body: 'no at sign', field: 'chat-body', chat: chatId })).body.trim(), '');
  const inNote = await suggest({ note: 'ask @Mi', field: 'note-body', conversation: String(conversationId) });
  assert.match(inNote.body, /Mention Mia Manager/);
  assert.doesNotMatch(
    (await suggest({ note: 'ask @Cl', field: 'note-body', conversation: String(conversationId) })).body,
    /Cleo/,
    'Cleo is not in Support',
  );
  const c = await sign(cleo);
  await c.get('/conversations');
  assert.equal(
    (await c.post('/mentions/suggest', { body: '@a', field: 'chat-body', chat: chatId }, HX)).statusCode,
    404,
    'another pair’s chat',
  );
});

test('review fixes: a mention in an inbox’s chat toasts people who never opened it; junk in members is refused; leaving tells the others', async (t) => {
  const { h, mia, ana, ben, support, sign } = await setup(t);
  const m = await sign(mia);
  await m.get('/chats');
  const room = (await m.post('/chats', { name: 'Support room', inbox: String(support) })).headers.location as string;
  await m.get(room);
  await m.post(`${room}/messages`, { body: 'hey @Ana look' }, HX);
  const notification = h.sqlite
    .prepare(`SELECT id FROM notifications WHERE user_id = ? AND kind = 'mention'`)
    .pluck()
    .get(ana.id) as number;
  const { toastFor } = await import('../../src/domain/users/preferences.ts');
  assert.ok(toastFor(h.app.domain, ana.actor, notification), 'Ana never opened the room, and still hears of it');
  assert.equal(toastFor(h.app.domain, ben.actor, notification), undefined, 'nobody else’s notification');

  const team = (await m.post('/chats', { name: 'Ops', members: [String(ana.id), String(ben.id)] })).headers
    .location as string;
  await m.get(team);
  const junk = await m.post(`${team}/settings`, { name: 'Ops', members: ['abc'] });
  assert.equal(junk.statusCode, 422);
  assert.equal(
    h.sqlite
      .prepare('SELECT count(*) FROM chat_members WHERE chat_id = ?')
      .pluck()
      .get(Number(team.split('/').pop())),
    3,
    'nobody was dropped',
  );
  assert.equal((await m.post('/chats', { name: 'Empty', members: 'abc' })).statusCode, 422);
  assert.equal(
    (await m.post(`/inboxes/${support}/auto-assign`, { enabled: '1', max_open: ['1', '2'] }, HX)).statusCode,
    400,
    'a repeated cap is refused, not read as "no cap"',
  );
});

test('the chat list previews the last message as one plain line, cut with an ellipsis', async (t) => {
  const { h, ana, ben, sign } = await setup(t);
  const chat = buildChat(h, { by: ana, members: [ben] });
  postChatMessage(
    h.app.domain,
    ana.actor,
    chat,
    `**Lunch?** See [the menu](https://example.com/m)\n- soup\n- ${'salad '.repeat(20)}`,
  );
  const list = (await (await sign(ben)).get('/chats')).body;
  const preview = /<span class="chat-preview">([^<]*)<\/span>/.exec(list)?.[1] ?? '';
  assert.ok(preview.startsWith('Lunch? See the menu soup salad salad'), preview);
  assert.ok(preview.endsWith('…') && preview.length <= 81, preview);
});
