import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setConversationStatus } from '../../../src/domain/conversations/actions.ts';
import { getConversation } from '../../../src/domain/conversations/queries.ts';
import type { Problem } from '../../../src/routes/api/v1/problem.ts';
import { atTime, buildConversation, buildInbox, buildToken, buildUser } from '../../factories.ts';
import { testApp } from '../../helper.ts';
import { hostileQueries } from '../../search-fuzz.ts';
import { api } from './client.ts';

interface Hit {
  conversationId: number;
  inboxId: number | null;
  lastMessageAt: string;
  matches: number;
  snippet: { text: string; hit: boolean }[];
  source: string;
}
type Page = { data: Hit[]; next: string | null };

const T0 = Date.now() + 86_400_000;
const search = (query: Record<string, string | number>) =>
  `/api/v1/search?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`;

test('search: hits with plain-text snippets, the list’s filters, and never another inbox’s text', async (t) => {
  const w = await testApp(t);
  const ann = await buildUser(w);
  const support = buildInbox(w, { members: [ann] });
  const sales = buildInbox(w);
  const parcel = atTime(w, T0, () => buildConversation(w, { inbox: support, texts: ['Your <b>Müller</b> parcel'] }));
  const other = atTime(w, T0 + 1000, () => buildConversation(w, { inbox: support, texts: ['another parcel'] }));
  atTime(w, T0 + 2000, () => buildConversation(w, { inbox: sales, texts: ['secret parcel for sales'] }));
  const token = buildToken(w, { user: ann, scopes: ['conversations:read'] });

  const res = await api(w.app, token, 'GET', search({ q: 'mueller' }));
  assert.equal(res.statusCode, 200, res.body);
  const page = res.json<Page>();
  assert.equal(page.next, null);
  assert.equal(page.data.length, 1);
  const [hit] = page.data;
  assert.equal(hit!.conversationId, parcel.id);
  assert.equal(hit!.inboxId, parcel.inboxId);
  assert.equal(hit!.source, 'message');
  assert.equal(hit!.matches, 1);
  assert.equal(hit!.lastMessageAt, new Date(T0).toISOString());
  assert.deepEqual(
    hit!.snippet.filter((p) => p.hit).map((p) => p.text),
    ['Müller'],
  );
  assert.equal(hit!.snippet.map((p) => p.text).join(''), 'Your <b>Müller</b> parcel', 'plain text, as written');

  const ids = async (query: Record<string, string | number>) =>
    (await api(w.app, token, 'GET', search(query))).json<Page>().data.map((h) => h.conversationId);
  assert.deepEqual(await ids({ q: 'parcel' }), [other.id, parcel.id], 'newest first; Sales’ text never');
  assert.deepEqual(await ids({ q: 'secret' }), []);
  assert.equal((await ids({ q: 'parcel', order: 'best' })).length, 2);
  setConversationStatus(
    w.app.domain,
    ann.actor,
    other.id,
    getConversation(w.app.domain, ann.actor, other.id).version,
    'closed',
  );
  assert.deepEqual(await ids({ q: 'parcel', status: 'closed' }), [other.id]);
  assert.deepEqual(await ids({ q: 'parcel', status: 'open' }), [parcel.id]);
  assert.deepEqual(await ids({ q: 'parcel', to: new Date(T0 + 500).toISOString() }), [parcel.id]);
  const foreign = await api(w.app, token, 'GET', search({ q: 'parcel', inbox: sales.id }));
  assert.equal(foreign.statusCode, 404, 'an inbox the user may not read is none at all');

  const admin = await buildUser(w, { role: 'admin' });
  const adminIds = async (scopes: ('admin' | 'conversations:read')[]) =>
    (await api(w.app, buildToken(w, { user: admin, scopes }), 'GET', search({ q: 'secret' }))).json<Page>().data.length;
  assert.equal(await adminIds(['conversations:read', 'admin']), 1, 'an admin’s token with the admin scope');
  assert.equal(await adminIds(['conversations:read']), 0, 'without it, a manager who is in no inbox');
});

test('search: a hostile or bad query is a 422 problem or results, never a 500; pages neither skip nor repeat', async (t) => {
  const w = await testApp(t);
  const ann = await buildUser(w);
  const inbox = buildInbox(w, { members: [ann] });
  const made = [1, 2, 3, 4, 5].map(
    (n) => atTime(w, T0 + n * 1000, () => buildConversation(w, { inbox, texts: [`cats AND "dogs" -now +49 ${n}`] })).id,
  );
  const token = buildToken(w, { user: ann });

  for (const [i, q] of hostileQueries(80).entries()) {
    const res = await api(w.app, token, 'GET', search({ q, order: i % 2 ? 'best' : 'newest' }));
    assert.ok([200, 422].includes(res.statusCode), `${JSON.stringify(q)}: ${res.statusCode} ${res.body}`);
    if (res.statusCode === 422) {
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'q');
    }
  }
  for (const [query, field] of [
    [{ q: '  ' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ q: 'x'.repeat(2000) }, 'q'],
    [{ q: 'cats', limit: 0 }, 'limit'],
    [{ q: 'cats', limit: 101 }, 'limit'],
    [{ q: 'cats', cursor: 'bm9wZQ' }, 'cursor'],
    [{ q: 'cats', order: 'worst' }, 'order'],
  ] as const) {
    const res = await api(w.app, token, 'GET', search(query));
    assert.equal(res.statusCode, 422, JSON.stringify(query));
    assert.equal(res.json<Problem>().errors?.[0]?.field, field, JSON.stringify(query));
  }
  assert.equal((await api(w.app, token, 'GET', '/api/v1/search')).statusCode, 422, 'no q');

  for (const order of ['newest', 'best']) {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(w.app, token, 'GET', search({ q: 'dogs', order, limit: 2, ...(cursor ? { cursor } : {}) }));
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json<Page>();
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((h) => h.conversationId));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual([...seen].sort(), [...made].sort(), order);
    if (order === 'newest') assert.deepEqual(seen, [...made].reverse());
  }
});
