import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiScopes, type ApiScope } from '../../../src/domain/api-tokens/tokens.ts';
import { setMovingEnabled } from '../../../src/domain/inboxes/service.ts';
import type { Problem } from '../../../src/routes/api/v1/problem.ts';
import { atTime, buildContact, buildConversation, buildInbox, buildToken, buildUser, SETUP } from '../../factories.ts';
import { testApp } from '../../helper.ts';
import { api } from './client.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
interface Route {
  method: Method;
  /** The URL for a conversation and a contact (the user's own, or ones they may not read). */
  url: (ids: { conversation: number; contact: number; tag: number }) => string;
  body?: unknown;
  scope: ApiScope;
  /** Names something by id: someone else's is a 404. */
  foreign: boolean;
  ok: number;
}

const ROUTES: Route[] = [
  { method: 'GET', url: () => '/api/v1/inboxes', scope: 'conversations:read', foreign: false, ok: 200 },
  { method: 'GET', url: () => '/api/v1/conversations', scope: 'conversations:read', foreign: false, ok: 200 },
  {
    method: 'GET',
    url: (i) => `/api/v1/conversations/${i.conversation}`,
    scope: 'conversations:read',
    foreign: true,
    ok: 200,
  },
  {
    method: 'GET',
    url: (i) => `/api/v1/conversations/${i.conversation}/messages`,
    scope: 'conversations:read',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/assign`,
    body: 'assignee',
    scope: 'conversations:write',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/close`,
    scope: 'conversations:write',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/reopen`,
    scope: 'conversations:write',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/tags`,
    body: { name: 'vip' },
    scope: 'conversations:write',
    foreign: true,
    ok: 201,
  },
  {
    method: 'DELETE',
    url: (i) => `/api/v1/conversations/${i.conversation}/tags/${i.tag}`,
    scope: 'conversations:write',
    foreign: true,
    ok: 204,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/move`,
    body: 'target',
    scope: 'conversations:write',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/messages`,
    body: { text: 'Hi from the API' },
    scope: 'messages:send',
    foreign: true,
    ok: 201,
  },
  { method: 'GET', url: () => '/api/v1/search?q=Hello', scope: 'conversations:read', foreign: false, ok: 200 },
  { method: 'GET', url: () => '/api/v1/contacts', scope: 'contacts:read', foreign: false, ok: 200 },
  { method: 'GET', url: () => '/api/v1/contacts/search?q=Cust', scope: 'contacts:read', foreign: false, ok: 200 },
  { method: 'GET', url: (i) => `/api/v1/contacts/${i.contact}`, scope: 'contacts:read', foreign: true, ok: 200 },
  {
    method: 'POST',
    url: () => '/api/v1/contacts',
    body: { name: 'Dana', phones: ['+15557770001'] },
    scope: 'contacts:write',
    foreign: false,
    ok: 201,
  },
  {
    method: 'PATCH',
    url: (i) => `/api/v1/contacts/${i.contact}`,
    body: { company: 'Acme' },
    scope: 'contacts:write',
    foreign: true,
    ok: 200,
  },
  {
    method: 'POST',
    url: (i) => `/api/v1/conversations/${i.conversation}/unsubscribe`,
    scope: 'contacts:write',
    foreign: true,
    ok: 200,
  },
  // After the conversation's own: unsubscribing a contact again is no conflict.
  {
    method: 'POST',
    url: (i) => `/api/v1/contacts/${i.contact}/unsubscribe`,
    scope: 'contacts:write',
    foreign: true,
    ok: 200,
  },
];

test('every route × every scope × a foreign id: 403 without its scope, 404 for what the user may not read, else done', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const teammate = await buildUser(w);
  const home = buildInbox(w, { members: [agent, teammate] });
  const target = buildInbox(w, { members: [agent] });
  setMovingEnabled(w.app.domain, SETUP, home.id, true);
  const mine = buildConversation(w, { inbox: home });
  const theirs = buildConversation(w, { inbox: buildInbox(w) });

  const tokenWith = new Map<ApiScope, string>(
    apiScopes.filter((s) => s !== 'admin').map((s) => [s, buildToken(w, { user: agent, scopes: [s] })]),
  );
  const admin = await buildUser(w, { role: 'admin' });
  const everything = buildToken(w, { user: admin });
  const contactOf = async (conversation: number) =>
    (await api(w.app, everything, 'GET', `/api/v1/conversations/${conversation}`)).json<{ contactId: number }>()
      .contactId;
  const ids = { conversation: mine.id, contact: await contactOf(mine.id), tag: 0 };
  const foreign = { conversation: theirs.id, contact: await contactOf(theirs.id), tag: 0 };
  const bodyOf = (route: Route) =>
    route.body === 'assignee'
      ? { assigneeId: teammate.id }
      : route.body === 'target'
        ? { inboxId: target.id }
        : route.body;

  for (const route of ROUTES) {
    const what = `${route.method} ${route.url(ids)}`;
    const others = apiScopes.filter((s) => s !== route.scope && s !== 'admin');
    const without = buildToken(w, { user: agent, scopes: others });
    const refused = await api(w.app, without, route.method, route.url(ids), bodyOf(route));
    assert.equal(refused.statusCode, 403, `${what} without ${route.scope}`);
    assert.equal(refused.json<Problem>().type, 'https://switchboard.dev/problems/insufficient-scope');

    const token = tokenWith.get(route.scope)!;
    if (route.foreign) {
      const hidden = await api(w.app, token, route.method, route.url(foreign), bodyOf(route));
      assert.equal(hidden.statusCode, 404, `${what} on someone else's`);
      assert.equal(hidden.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
    const done = await api(w.app, token, route.method, route.url(ids), bodyOf(route));
    assert.equal(done.statusCode, route.ok, `${what}: ${done.body}`);
    if (route.method === 'POST' && route.url(ids).endsWith('/tags')) ids.tag = done.json<{ id: number }>().id;
  }

  const conversation = (await api(w.app, everything, 'GET', `/api/v1/conversations/${mine.id}`)).json<{
    inboxId: number;
    optedOut: boolean;
    assigneeId: number | null;
    tags: unknown[];
  }>();
  assert.equal(conversation.inboxId, target.id, 'moved');
  assert.equal(conversation.optedOut, true, 'unsubscribed');
  assert.deepEqual(conversation.tags, []);
  const sent = w.sqlite
    .prepare("SELECT body, author_user_id AS author FROM messages WHERE direction = 'out' AND conversation_id = ?")
    .all(mine.id);
  assert.deepEqual(sent, [{ body: 'Hi from the API', author: agent.id }]);
});

test('a send refused by a gate is a 4xx at once, and nothing is queued', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const c = buildConversation(w, { inbox: buildInbox(w, { members: [agent] }) });
  const token = buildToken(w, { user: agent });
  assert.equal((await api(w.app, token, 'POST', `/api/v1/conversations/${c.id}/unsubscribe`)).statusCode, 200);
  const res = await api(w.app, token, 'POST', `/api/v1/conversations/${c.id}/messages`, { text: 'Hello?' });
  assert.equal(res.statusCode, 422);
  const problem = res.json<Problem>();
  assert.equal(problem.type, 'https://switchboard.dev/problems/sms-opted-out');
  assert.deepEqual(problem.errors?.[0]?.field, 'body');
  assert.equal(w.sqlite.prepare("SELECT count(*) FROM messages WHERE direction = 'out'").pluck().get(), 0);

  const empty = await api(w.app, token, 'POST', `/api/v1/conversations/${c.id}/messages`, { text: '' });
  assert.equal(empty.statusCode, 422);
  assert.equal(empty.json<Problem>().errors?.[0]?.field, 'text');
  const form = await w.app.inject({
    method: 'POST',
    url: `/api/v1/conversations/${c.id}/messages`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'text=hi',
  });
  assert.equal(form.statusCode, 415);
  assert.equal(form.headers['content-type'], 'application/problem+json; charset=utf-8');
  const twice = await api(w.app, token, 'POST', `/api/v1/conversations/${c.id}/close`, {});
  assert.equal(twice.statusCode, 200);
  const stale = await api(w.app, token, 'POST', `/api/v1/conversations/${c.id}/reopen`, { version: 0 });
  assert.equal(stale.statusCode, 409);
});

test('Idempotency-Key: the same key from the same token gives the first answer, and one message', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const inbox = buildInbox(w, { members: [agent] });
  const c = buildConversation(w, { inbox });
  const other = buildConversation(w, { inbox });
  const token = buildToken(w, { user: agent });
  const send = (key: string, conversation = c.id, tok = token) =>
    api(
      w.app,
      tok,
      'POST',
      `/api/v1/conversations/${conversation}/messages`,
      { text: 'Once' },
      { 'idempotency-key': key },
    );

  const first = await send('order-17');
  const second = await send('order-17');
  assert.equal(first.statusCode, 201);
  assert.equal(second.statusCode, 201);
  assert.equal(second.headers['idempotent-replayed'], 'true');
  assert.deepEqual(second.json(), first.json());
  const outbound = () => w.sqlite.prepare("SELECT count(*) FROM messages WHERE direction = 'out'").pluck().get();
  assert.equal(outbound(), 1);

  assert.equal((await send('order-17', other.id)).statusCode, 409, 'the key on another request');
  assert.equal((await send('order-18')).statusCode, 201);
  assert.equal((await send('order-17', c.id, buildToken(w, { user: agent }))).statusCode, 201, 'keys are per token');
  assert.equal(outbound(), 3);

  // A day later the key is forgotten (and its row swept).
  const now = w.app.domain.now;
  w.app.domain.now = () => now() + 24 * 3_600_000 + 1;
  assert.equal((await send('order-17')).statusCode, 201);
  assert.equal(outbound(), 4);
  assert.equal(w.sqlite.prepare("SELECT count(*) FROM api_idempotency WHERE key = 'order-18'").pluck().get(), 0);
});

test('lists: conversations with the UI’s filters, pages stable under new texts; messages and contacts by cursor', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const inbox = buildInbox(w, { members: [agent] });
  const token = buildToken(w, { user: agent });
  const made = [1, 2, 3, 4, 5].map((n) => atTime(w, 1_000_000 + n * 1000, () => buildConversation(w, { inbox })).id);
  buildConversation(w, { inbox: buildInbox(w) });

  type Page = { data: { id: number }[]; next: string | null };
  const walk = async (url: string, between?: () => void) => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(
        w.app,
        token,
        'GET',
        `${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json<Page>();
      seen.push(...page.data.map((d) => d.id));
      cursor = page.next;
      between?.();
      between = undefined;
    } while (cursor);
    return seen;
  };
  // Oldest first: a conversation that starts between two pages comes at the end, none is skipped or repeated.
  let late = 0;
  const oldest = await walk('/api/v1/conversations?sort=oldest', () => {
    late = buildConversation(w, { inbox }).id;
  });
  assert.deepEqual(oldest, [...made, late]);
  assert.deepEqual(
    await walk(`/api/v1/conversations?inbox=${inbox.id}&status=open`),
    [late, ...made].reverse().sort((a, b) => b - a),
  );
  assert.equal((await api(w.app, token, 'GET', '/api/v1/conversations?status=closed')).json<Page>().data.length, 0);
  assert.equal((await api(w.app, token, 'GET', '/api/v1/conversations?status=nope')).statusCode, 422);

  const c = buildConversation(w, { inbox, texts: ['one', 'two', 'three'] });
  const messages = await walk(`/api/v1/conversations/${c.id}/messages`);
  assert.deepEqual(messages, c.messageIds);
  const contacts = await walk('/api/v1/contacts');
  assert.equal(contacts.length, 7, 'the contacts of the conversations the agent sees');
  buildContact(w, { name: 'Zed Zimmer' });
  const found = (await api(w.app, token, 'GET', '/api/v1/contacts/search?q=Zimmer')).json<{
    data: { name: string }[];
  }>();
  assert.deepEqual(
    found.data.map((d) => d.name),
    ['Zed Zimmer'],
  );
  for (const limit of [0, 101])
    assert.equal((await api(w.app, token, 'GET', `/api/v1/conversations?limit=${limit}`)).statusCode, 422);
});
