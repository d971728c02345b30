import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { assignConversation, setConversationStatus } from '../../src/domain/conversations/actions.ts';
import {
  listConversations,
  PAGE_SIZE,
  rowInList,
  rowsForViewers,
  UNREAD_CAP,
  unreadAmong,
  unreadCount,
  unreadIds,
  type ListFilter,
  type ListPage,
  type ListRow,
} from '../../src/domain/conversations/list.ts';
import { movePin, pinConversation, unpinConversation } from '../../src/domain/conversations/pins.ts';
import { markRead, markUnread } from '../../src/domain/conversations/reading.ts';
import { startConversation } from '../../src/domain/conversations/start.ts';
import type { Actor } from '../../src/domain/context.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { addTag, setHideTags } from '../../src/domain/tags/service.ts';
import { usersByIds } from '../../src/domain/users/service.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { buildTestApp, refusal } from '../helper.ts';

const SUPPORT = '+15551230000';
const SUPPORT_2 = '+15551230002';
const SALES = '+15551230001';
const ANA_CELL = '+15550000001';

/** Conversations happen a day from now: after every user's created_at, so they start unread for everyone. */
const T0 = Date.now() + 86_400_000;
const SEC = 1_000;

const customer = (i: number): string => `+1555700${String(i).padStart(4, '0')}`;

/** A list filter: the shared inboxes, any status, newest first, unless told otherwise. */
const f = (over: Partial<ListFilter> = {}): ListFilter => ({ scope: 'shared', sort: 'newest', ...over });

/** `200` when fn runs, else the DomainError's status and key. */
const refused = (fn: () => unknown): string => refusal(fn, '200');

/**
 * A team with two shared inboxes and a personal number:
 * Support (two numbers: manager, agent and Ana are members), Sales (manager only), Ana's cell (private).
 * The domain's clock is under the test's control: `at(ms)` sets it.
 */
async function setup(t: TestContext) {
  const h = await buildTestApp();
  t.after(() => h.close());
  const ctx = h.app.domain;
  // One after the other: lists break ties by id.
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const manager = await buildUser(h, { role: 'manager', name: 'Max' });
  const agent = await buildUser(h, { name: 'Alex' });
  const ana = await buildUser(h, { name: 'Ana' });
  const support = buildInbox(h, { name: 'Support', members: [manager, agent, ana] });
  const sales = buildInbox(h, { name: 'Sales', members: [manager] });
  const numbers = [
    buildNumber(h, { e164: SUPPORT, inbox: support }),
    buildNumber(h, { e164: SUPPORT_2, inbox: support }),
    buildNumber(h, { e164: SALES, inbox: sales }),
    buildNumber(h, { e164: ANA_CELL, owner: ana }),
  ];
  const inbox = { support: support.id, sales: sales.id, anaPersonal: numbers[3]!.inboxId };
  const numberId = (e164: string): number => numbers.find((n) => n.e164 === e164)!.id;

  let clock = T0;
  ctx.now = () => clock;
  const at = (ms: number): void => {
    clock = ms;
  };

  /** A customer's text, received at `when` (the clock stays there); returns the conversation id. */
  const text = (from: string, when: number, to = SUPPORT, body = `hello from ${from}`): number => {
    at(when);
    return receiveText(h, { from, to, text: body }).conversationId;
  };
  /** An agent's answer at `when`: the customer no longer waits. */
  const reply = (conversationId: number, when: number, by: Actor = admin.actor): void => {
    at(when);
    queueReply(ctx, by, conversationId, 'On it!');
  };
  const version = (conversationId: number): number =>
    (h.sqlite.prepare('SELECT version FROM conversations WHERE id = ?').get(conversationId) as { version: number })
      .version;
  const setStatus = (actor: Actor, conversationId: number, status: 'open' | 'closed' | 'spam'): void => {
    setConversationStatus(ctx, actor, conversationId, version(conversationId), status);
  };
  const assign = (conversationId: number, assigneeId: number | null): void =>
    assignConversation(ctx, admin.actor, conversationId, version(conversationId), assigneeId);

  /** The ids of one page (the paged rows only). */
  const page = (actor: Actor, filter: ListFilter, after?: string): ListPage =>
    listConversations(ctx, actor, filter, after);
  const ids = (actor: Actor, filter: ListFilter): number[] => page(actor, filter).rows.map((r) => r.id);

  return {
    h,
    ctx,
    admin,
    manager,
    agent,
    ana,
    inbox,
    numberId,
    at,
    text,
    reply,
    version,
    setStatus,
    assign,
    page,
    ids,
  };
}

type World = Awaited<ReturnType<typeof setup>>;

/** Follows `next` to the end; refuses to loop forever. */
function walk(w: World, actor: Actor, filter: ListFilter): ListPage[] {
  const pages: ListPage[] = [];
  let after: string | undefined;
  do {
    const p = w.page(actor, filter, after);
    pages.push(p);
    assert.ok(pages.length <= 20, 'paging does not end');
    if (p.next !== null) assert.notEqual(p.next, after, 'the cursor moves on');
    after = p.next ?? undefined;
  } while (after !== undefined);
  return pages;
}

interface Stored {
  id: number;
  lastMessageAt: number;
  waitingSince: number | null;
}

function stored(w: World): Stored[] {
  return w.h.sqlite
    .prepare('SELECT id, last_message_at AS lastMessageAt, waiting_since AS waitingSince FROM conversations')
    .all() as Stored[];
}

/** The order each sort promises, written out independently of the SQL. */
const expectedOrder = {
  newest: (rows: Stored[]) =>
    [...rows].sort((a, b) => b.lastMessageAt - a.lastMessageAt || b.id - a.id).map((r) => r.id),
  oldest: (rows: Stored[]) =>
    [...rows].sort((a, b) => a.lastMessageAt - b.lastMessageAt || a.id - b.id).map((r) => r.id),
  waiting: (rows: Stored[]) => {
    const waiting = rows
      .filter((r) => r.waitingSince !== null)
      .sort((a, b) => a.waitingSince! - b.waitingSince! || a.id - b.id);
    const rest = rows
      .filter((r) => r.waitingSince === null)
      .sort((a, b) => a.lastMessageAt - b.lastMessageAt || a.id - b.id);
    return [...waiting, ...rest].map((r) => r.id);
  },
};

function assertWalk(w: World, actor: Actor, filter: ListFilter, expected: number[]): void {
  const pages = walk(w, actor, filter);
  const seen = pages.flatMap((p) => p.rows.map((r) => r.id));
  assert.equal(new Set(seen).size, seen.length, `${filter.sort}: no conversation twice`);
  assert.deepEqual(seen, expected, `${filter.sort}: every conversation once, in order`);
  pages.forEach((p, i) => {
    const last = i === pages.length - 1;
    assert.equal(
      p.rows.length,
      last ? expected.length - PAGE_SIZE * i : PAGE_SIZE,
      `${filter.sort}: page ${i + 1} size`,
    );
    assert.equal(p.next === null, last, `${filter.sort}: only the last page has no next`);
    assert.deepEqual(p.pinned, [], 'no pins here');
  });
  // `order` follows the list: descending for newest, ascending otherwise (ties allowed).
  const orders = pages.flatMap((p) => p.rows.map((r) => r.order));
  for (let i = 1; i < orders.length; i++) {
    if (filter.sort === 'newest') assert.ok(orders[i - 1]! >= orders[i]!, `newest: order at ${i}`);
    else assert.ok(orders[i - 1]! <= orders[i]!, `${filter.sort}: order at ${i}`);
  }
}

/** Times with many ties, not in id order: conversation i is last active at one of 43 seconds. */
const tiedTime = (i: number): number => T0 + ((i * 37) % 43) * SEC;

function assertHasTies(rows: Stored[], key: 'lastMessageAt' | 'waitingSince'): void {
  const times = rows.map((r) => r[key]).filter((v) => v !== null);
  assert.ok(new Set(times).size < times.length - 20, `many ${key} ties`);
}

test('keyset paging, newest and oldest: every conversation once, in order, ties broken by id', async (t) => {
  const w = await setup(t);
  for (let i = 0; i < 130; i++) w.text(customer(i), tiedTime(i));
  const rows = stored(w);
  assert.equal(rows.length, 130);
  assertHasTies(rows, 'lastMessageAt');
  assert.equal(PAGE_SIZE, 50, 'three pages: 50, 50, 30');
  for (const sort of ['newest', 'oldest'] as const) {
    assertWalk(w, w.admin.actor, f({ sort }), expectedOrder[sort](rows));
  }
});

test('keyset paging, waiting: waiting ones first by longest wait, then the rest, with ties', async (t) => {
  const w = await setup(t);
  const ids: number[] = [];
  for (let i = 0; i < 130; i++) ids.push(w.text(customer(i), tiedTime(i)));
  // Every third is answered (ties among the answers too); every fifth of the waiting ones writes again later,
  // which moves its last activity but not its wait.
  ids.forEach((id, i) => {
    if (i % 3 === 0) w.reply(id, T0 + 100 * SEC + (i % 7) * SEC);
    else if (i % 5 === 0) w.text(customer(i), T0 + 200 * SEC + (i % 4) * SEC);
  });
  const rows = stored(w);
  assert.equal(rows.filter((r) => r.waitingSince === null).length, 44);
  assertHasTies(rows, 'waitingSince');
  assertHasTies(
    rows.filter((r) => r.waitingSince === null),
    'lastMessageAt',
  );
  for (const sort of ['waiting', 'newest', 'oldest'] as const) {
    assertWalk(w, w.admin.actor, f({ sort }), expectedOrder[sort](rows));
  }
});

test('paging ends exactly: a full page has no next, one more conversation makes a second page', async (t) => {
  const w = await setup(t);
  for (let i = 0; i < PAGE_SIZE; i++) w.text(customer(i), T0 + i * SEC);
  for (const sort of ['newest', 'oldest', 'waiting'] as const) {
    const only = w.page(w.admin.actor, f({ sort }));
    assert.equal(only.rows.length, PAGE_SIZE);
    assert.equal(only.next, null, `${sort}: no empty page after a full one`);
  }
  w.text(customer(PAGE_SIZE), T0 + PAGE_SIZE * SEC);
  for (const sort of ['newest', 'oldest', 'waiting'] as const) {
    const pages = walk(w, w.admin.actor, f({ sort }));
    assert.deepEqual(
      pages.map((p) => p.rows.length),
      [PAGE_SIZE, 1],
      sort,
    );
  }
  // A malformed cursor, or one of another sort's shape, is the first page.
  const first = w.page(w.admin.actor, f()).rows.map((r) => r.id);
  for (const bad of ['', 'x', '1.2.3.4.5', '1;DROP TABLE conversations', '0.1.2']) {
    assert.deepEqual(
      w.page(w.admin.actor, f(), bad).rows.map((r) => r.id),
      first,
      JSON.stringify(bad),
    );
  }
});

test('waiting sort: a customer waiting longest comes first, an answer ends the wait, a new text starts one', async (t) => {
  const w = await setup(t);
  const a = w.text(customer(1), T0 + 1 * SEC);
  const b = w.text(customer(2), T0 + 2 * SEC);
  const c = w.text(customer(3), T0 + 0.5 * SEC);
  const d = w.text(customer(4), T0 + 0.6 * SEC);
  const e = w.text(customer(5), T0 + 3 * SEC);
  w.text(customer(1), T0 + 9 * SEC); // a writes again: still waiting since its first text
  w.reply(c, T0 + 3 * SEC);
  w.reply(d, T0 + 2.5 * SEC);
  const waiting = f({ sort: 'waiting' });
  assert.deepEqual(w.ids(w.admin.actor, waiting), [a, b, e, d, c]);
  const rows = w.page(w.admin.actor, waiting).rows;
  assert.deepEqual(
    rows.map((r) => r.waitingSince),
    [T0 + 1 * SEC, T0 + 2 * SEC, T0 + 3 * SEC, null, null],
  );
  assert.equal(rows[0]!.lastMessageAt, T0 + 9 * SEC);

  w.text(customer(3), T0 + 10 * SEC); // c writes after the answer: waits again, since now
  assert.deepEqual(w.ids(w.admin.actor, waiting), [a, b, e, c, d]);
  w.reply(a, T0 + 11 * SEC);
  assert.deepEqual(w.ids(w.admin.actor, waiting), [b, e, c, d, a]);
});

test('filter by inbox: only that inbox; an inbox the actor cannot see is not found', async (t) => {
  const w = await setup(t);
  const s1 = w.text(customer(1), T0 + 1 * SEC, SUPPORT);
  const s2 = w.text(customer(2), T0 + 2 * SEC, SUPPORT_2);
  const sales = w.text(customer(3), T0 + 3 * SEC, SALES);
  w.text(customer(4), T0 + 4 * SEC, ANA_CELL);

  assert.deepEqual(w.ids(w.admin.actor, f()), [sales, s2, s1], 'an admin sees every shared inbox');
  assert.deepEqual(w.ids(w.admin.actor, f({ inboxId: w.inbox.support })), [s2, s1]);
  assert.deepEqual(w.ids(w.admin.actor, f({ inboxId: w.inbox.sales })), [sales]);
  assert.deepEqual(w.ids(w.agent.actor, f()), [s2, s1], 'an agent sees their inboxes only');
  assert.deepEqual(w.ids(w.manager.actor, f({ inboxId: w.inbox.sales })), [sales]);

  assert.equal(
    refused(() => w.page(w.agent.actor, f({ inboxId: w.inbox.sales }))),
    '404 error.not_found',
  );
  assert.equal(
    refused(() => w.page(w.agent.actor, f({ inboxId: 999_999 }))),
    '404 error.not_found',
  );
  assert.equal(
    refused(() => w.page(w.admin.actor, f({ inboxId: w.inbox.anaPersonal }))),
    '404 error.not_found',
    'personal texts are personal, even for admins',
  );
  assert.equal(
    refused(() => w.page(w.ana.actor, f({ inboxId: w.inbox.anaPersonal }))),
    '404 error.not_found',
    'a personal inbox is not in the shared scope',
  );
});

test('filter by status; spam is for managers and admins (403 for agents)', async (t) => {
  const w = await setup(t);
  const open = w.text(customer(1), T0 + 1 * SEC);
  const closed = w.text(customer(2), T0 + 2 * SEC);
  const spam = w.text(customer(3), T0 + 3 * SEC);
  w.setStatus(w.agent.actor, closed, 'closed');
  w.setStatus(w.manager.actor, spam, 'spam');

  assert.deepEqual(w.ids(w.agent.actor, f({ status: 'open' })), [open]);
  assert.deepEqual(w.ids(w.agent.actor, f({ status: 'closed' })), [closed]);
  assert.equal(
    refused(() => w.page(w.agent.actor, f({ status: 'spam' }))),
    '403 error.forbidden',
  );
  assert.deepEqual(w.ids(w.manager.actor, f({ status: 'spam' })), [spam]);
  assert.deepEqual(w.ids(w.admin.actor, f({ status: 'spam' })), [spam]);
  assert.deepEqual(w.ids(w.manager.actor, f()), [spam, closed, open], 'no status: any status');
  assert.deepEqual(w.ids(w.agent.actor, f()), [closed, open], 'but never spam for an agent');

  w.setStatus(w.manager.actor, spam, 'open');
  assert.deepEqual(w.ids(w.manager.actor, f({ status: 'spam' })), []);
  assert.deepEqual(w.ids(w.agent.actor, f({ status: 'open' })), [spam, open]);
});

test('filter by assignee: me, none, or someone', async (t) => {
  const w = await setup(t);
  const mine = w.text(customer(1), T0 + 1 * SEC);
  const maxs = w.text(customer(2), T0 + 2 * SEC);
  const nobodys = w.text(customer(3), T0 + 3 * SEC);
  const unassignedAgain = w.text(customer(4), T0 + 4 * SEC);
  w.assign(mine, w.agent.id);
  w.assign(maxs, w.manager.id);
  w.assign(unassignedAgain, w.agent.id);
  w.assign(unassignedAgain, null);

  assert.deepEqual(w.ids(w.agent.actor, f({ assignee: 'me' })), [mine]);
  assert.deepEqual(w.ids(w.manager.actor, f({ assignee: 'me' })), [maxs]);
  assert.deepEqual(w.ids(w.admin.actor, f({ assignee: 'me' })), []);
  assert.deepEqual(w.ids(w.agent.actor, f({ assignee: 'none' })), [unassignedAgain, nobodys]);
  assert.deepEqual(w.ids(w.agent.actor, f({ assignee: w.manager.id })), [maxs]);
  assert.deepEqual(w.ids(w.manager.actor, f({ assignee: w.agent.id })), [mine]);
  assert.deepEqual(w.ids(w.agent.actor, f({ assignee: 999_999 })), []);
  const rows = w.page(w.agent.actor, f()).rows;
  assert.deepEqual(
    rows.map((r) => [r.id, r.assigneeName]),
    [
      [unassignedAgain, null],
      [nobodys, null],
      [maxs, 'Max'],
      [mine, 'Alex'],
    ],
  );
});

test('filter by tag and by number', async (t) => {
  const w = await setup(t);
  const c1 = w.text(customer(1), T0 + 1 * SEC, SUPPORT);
  const c2 = w.text(customer(2), T0 + 2 * SEC, SUPPORT_2);
  const c3 = w.text(customer(3), T0 + 3 * SEC, SUPPORT_2);
  const c4 = w.text(customer(4), T0 + 4 * SEC, SUPPORT);
  const vip = addTag(w.ctx, w.agent.actor, c1, 'VIP');
  assert.equal(addTag(w.ctx, w.agent.actor, c3, 'vip').id, vip.id, 'tags match regardless of case');
  const billing = addTag(w.ctx, w.agent.actor, c3, 'Billing');
  addTag(w.ctx, w.agent.actor, c4, 'Billing');

  assert.deepEqual(w.ids(w.agent.actor, f({ tagId: vip.id })), [c3, c1]);
  assert.deepEqual(w.ids(w.agent.actor, f({ tagId: billing.id })), [c4, c3]);
  assert.deepEqual(w.ids(w.agent.actor, f({ tagId: 999_999 })), []);
  assert.deepEqual(w.ids(w.agent.actor, f({ numberId: w.numberId(SUPPORT_2) })), [c3, c2]);
  assert.deepEqual(w.ids(w.agent.actor, f({ numberId: w.numberId(SUPPORT) })), [c4, c1]);
  assert.deepEqual(
    w.ids(w.agent.actor, f({ numberId: w.numberId(SUPPORT_2), tagId: vip.id })),
    [c3],
    'filters combine',
  );
  assert.deepEqual(
    w.ids(w.agent.actor, f({ numberId: w.numberId(SALES) })),
    [],
    "another inbox's number shows nothing it cannot see",
  );

  const rows = w.page(w.agent.actor, f()).rows;
  assert.deepEqual(
    rows.map((r) => [r.id, r.tags, r.numberE164]),
    [
      [c4, ['Billing'], SUPPORT],
      [c3, ['Billing', 'VIP'], SUPPORT_2],
      [c2, [], SUPPORT_2],
      [c1, ['VIP'], SUPPORT],
    ],
  );
  setHideTags(w.ctx, w.agent.actor, true);
  assert.deepEqual(
    w.page(w.agent.actor, f()).rows.map((r) => r.tags),
    [[], [], [], []],
    "tags hidden by the user's setting",
  );
  assert.deepEqual(w.ids(w.agent.actor, f({ tagId: vip.id })), [c3, c1], 'the filter still works');
  assert.deepEqual(
    w.page(w.admin.actor, f()).rows.map((r) => r.tags),
    [['Billing'], ['Billing', 'VIP'], [], ['VIP']],
    'for that user only',
  );
});

test('filter unread: per user, marking read for one leaves the others', async (t) => {
  const w = await setup(t);
  const c1 = w.text(customer(1), T0 + 1 * SEC);
  const c2 = w.text(customer(2), T0 + 2 * SEC);
  const c3 = w.text(customer(3), T0 + 3 * SEC);
  const unread = f({ unread: true });
  assert.deepEqual(w.ids(w.agent.actor, unread), [c3, c2, c1]);

  w.at(T0 + 5 * SEC);
  markRead(w.ctx, w.agent.actor, c1);
  markRead(w.ctx, w.agent.actor, c3);
  assert.deepEqual(w.ids(w.agent.actor, unread), [c2]);
  assert.deepEqual(w.ids(w.admin.actor, unread), [c3, c2, c1], 'the admin has read nothing');
  assert.deepEqual(w.ids(w.manager.actor, unread), [c3, c2, c1]);
  assert.deepEqual(
    w.page(w.agent.actor, f()).rows.map((r) => [r.id, r.unread]),
    [
      [c3, false],
      [c2, true],
      [c1, false],
    ],
  );

  w.text(customer(1), T0 + 6 * SEC); // a new customer text after the read mark
  assert.deepEqual(w.ids(w.agent.actor, unread), [c1, c2]);
  w.reply(c3, T0 + 7 * SEC); // an answer is not something to read
  assert.deepEqual(w.ids(w.agent.actor, unread), [c1, c2]);

  w.at(T0 + 8 * SEC);
  markRead(w.ctx, w.admin.actor, c2);
  markUnread(w.ctx, w.admin.actor, c2);
  markUnread(w.ctx, w.agent.actor, c3);
  assert.deepEqual(w.ids(w.admin.actor, unread), [c3, c1, c2], 'marked unread by hand');
  assert.deepEqual(w.ids(w.agent.actor, unread), [c3, c1, c2]);
});

test("filter unread with the navigation's unread ids: the same pages as reading every read mark", async (t) => {
  const w = await setup(t);
  const support = [1, 2, 3, 4, 5].map((i) => w.text(customer(i), T0 + i * SEC));
  const sales = w.text(customer(9), T0 + 9 * SEC, SALES);
  const private1 = w.text(customer(7), T0 + 10 * SEC, ANA_CELL);
  // Ana's cell joins Support: its earlier conversation stays in her private inbox, the number's history.
  buildNumber(w.h, { e164: ANA_CELL, inbox: 'Support' });
  w.at(T0 + 20 * SEC);
  markRead(w.ctx, w.agent.actor, support[0]!);
  markRead(w.ctx, w.manager.actor, sales);
  w.setStatus(w.admin.actor, support[1]!, 'closed');
  w.assign(support[2]!, w.agent.actor.id);
  const filters = [
    f({ unread: true, status: 'open' }),
    f({ unread: true, status: 'open', inboxId: w.inbox.support }),
    f({ unread: true, status: 'open', assignee: 'me' }),
    f({ unread: true, status: 'open', sort: 'waiting' }),
    f({ unread: true, status: 'closed' }),
    f({ unread: true }),
    f({ unread: true, status: 'open', scope: 'personal' }),
    f({ unread: true, status: 'open', scope: 'history', numberId: w.numberId(ANA_CELL) }),
  ];
  for (const actor of [w.agent.actor, w.manager.actor, w.admin.actor, w.ana.actor]) {
    const known = unreadIds(w.ctx, actor);
    for (const filter of filters) {
      const rows = (page: ListPage) => [...page.pinned, ...page.rows].map((r) => [r.id, r.unread]);
      assert.deepEqual(
        rows(listConversations(w.ctx, actor, filter, undefined, known)),
        rows(w.page(actor, filter)),
        `${actor.role} ${JSON.stringify(filter)}`,
      );
    }
  }
  assert.deepEqual(
    w.page(w.agent.actor, f({ unread: true, status: 'open' })).rows.map((r) => r.id),
    [support[4], support[3], support[2]],
  );
  const history = f({ unread: true, status: 'open', scope: 'history', numberId: w.numberId(ANA_CELL) });
  assert.deepEqual(
    listConversations(w.ctx, w.agent.actor, history, undefined, unreadIds(w.ctx, w.agent.actor)).rows.map((r) => r.id),
    [private1],
    'history is in another inbox',
  );
});

test('filter from/to on the last activity: from inclusive, to exclusive', async (t) => {
  const w = await setup(t);
  const c1 = w.text(customer(1), T0 + 1 * SEC);
  const c2 = w.text(customer(2), T0 + 2 * SEC);
  const c3 = w.text(customer(3), T0 + 3 * SEC);
  assert.deepEqual(w.ids(w.agent.actor, f({ from: T0 + 2 * SEC })), [c3, c2]);
  assert.deepEqual(w.ids(w.agent.actor, f({ to: T0 + 3 * SEC })), [c2, c1]);
  assert.deepEqual(w.ids(w.agent.actor, f({ from: T0 + 2 * SEC, to: T0 + 3 * SEC })), [c2]);
  assert.deepEqual(w.ids(w.agent.actor, f({ from: T0 + 4 * SEC })), []);
  w.reply(c1, T0 + 10 * SEC); // an answer is activity too
  assert.deepEqual(w.ids(w.agent.actor, f({ from: T0 + 2 * SEC, sort: 'oldest' })), [c2, c3, c1]);
});

test("scope: personal shows only the actor's private inbox, shared never shows personal ones", async (t) => {
  const w = await setup(t);
  const shared = w.text(customer(1), T0 + 1 * SEC, SUPPORT);
  const personal = w.text(customer(2), T0 + 2 * SEC, ANA_CELL);
  const personal2 = w.text(customer(3), T0 + 3 * SEC, ANA_CELL);

  const anaPersonal = w.page(w.ana.actor, f({ scope: 'personal' })).rows;
  assert.deepEqual(
    anaPersonal.map((r) => [r.id, r.personal, r.numberE164]),
    [
      [personal2, true, ANA_CELL],
      [personal, true, ANA_CELL],
    ],
  );
  assert.deepEqual(w.ids(w.ana.actor, f({ scope: 'personal', inboxId: w.inbox.anaPersonal })), [personal2, personal]);
  assert.deepEqual(w.ids(w.ana.actor, f({ scope: 'shared' })), [shared]);
  assert.equal(w.page(w.ana.actor, f()).rows[0]!.personal, false);

  for (const someone of [w.admin, w.manager, w.agent]) {
    assert.deepEqual(w.ids(someone.actor, f({ scope: 'personal' })), [], `${someone.name} has no personal numbers`);
    assert.deepEqual(
      w.ids(someone.actor, f({ scope: 'shared' })),
      [shared],
      `${someone.name} does not see Ana's texts`,
    );
    assert.equal(
      refused(() => w.page(someone.actor, f({ scope: 'personal', inboxId: w.inbox.anaPersonal }))),
      '404 error.not_found',
    );
  }
  assert.equal(
    refused(() => w.page(w.ana.actor, f({ scope: 'personal', inboxId: w.inbox.support }))),
    '404 error.not_found',
    'a shared inbox is not in the personal scope',
  );
});

test("pins: on the first page only, in the user's order, not repeated in the rows, per user", async (t) => {
  const w = await setup(t);
  const ids: number[] = [];
  for (let i = 0; i < 60; i++) ids.push(w.text(customer(i), T0 + i * SEC));
  const [p1, p2, p3] = [ids[10]!, ids[3]!, ids[55]!];
  pinConversation(w.ctx, w.admin.actor, p1);
  pinConversation(w.ctx, w.admin.actor, p2);
  pinConversation(w.ctx, w.admin.actor, p3);
  pinConversation(w.ctx, w.admin.actor, p1); // twice changes nothing
  movePin(w.ctx, w.admin.actor, p3, 0);

  const pages = walk(w, w.admin.actor, f());
  assert.deepEqual(
    pages[0]!.pinned.map((r) => r.id),
    [p3, p1, p2],
  );
  assert.ok(pages[0]!.pinned.every((r) => r.pinned));
  assert.deepEqual(
    pages.slice(1).map((p) => p.pinned),
    [[]],
    'pins come with the first page only',
  );
  const rows = pages.flatMap((p) => p.rows);
  assert.ok(rows.every((r) => !r.pinned));
  assert.deepEqual(
    rows.map((r) => r.id),
    [...ids].reverse().filter((id) => ![p1, p2, p3].includes(id)),
  );
  assert.deepEqual(
    pages.map((p) => p.rows.length),
    [PAGE_SIZE, 60 - 3 - PAGE_SIZE],
  );

  // The agent has no pins: the admin's pinned conversations are ordinary rows for them.
  const agentPages = walk(w, w.agent.actor, f());
  assert.deepEqual(agentPages[0]!.pinned, []);
  assert.deepEqual(
    agentPages.flatMap((p) => p.rows.map((r) => r.id)),
    [...ids].reverse(),
  );
  pinConversation(w.ctx, w.agent.actor, p2);
  assert.deepEqual(
    w.page(w.agent.actor, f()).pinned.map((r) => r.id),
    [p2],
  );
  assert.deepEqual(
    w.page(w.admin.actor, f()).pinned.map((r) => r.id),
    [p3, p1, p2],
  );

  // Pins obey the filter too.
  w.setStatus(w.admin.actor, p1, 'closed');
  assert.deepEqual(
    w.page(w.admin.actor, f({ status: 'open' })).pinned.map((r) => r.id),
    [p3, p2],
  );
  assert.deepEqual(
    w.page(w.admin.actor, f({ status: 'closed' })).pinned.map((r) => r.id),
    [p1],
  );
  assert.deepEqual(w.page(w.admin.actor, f({ status: 'closed' })).rows, []);
  assert.deepEqual(
    w.page(w.admin.actor, f({ sort: 'oldest' })).pinned.map((r) => r.id),
    [p3, p1, p2],
    'pin order, whatever the sort',
  );

  unpinConversation(w.ctx, w.admin.actor, p3);
  const after = w.page(w.admin.actor, f());
  assert.deepEqual(
    after.pinned.map((r) => r.id),
    [p1, p2],
  );
  assert.equal(after.rows[0]!.id, ids[59], 'an unpinned conversation is back in the rows');
  assert.ok(after.rows.some((r) => r.id === p3));
});

test("unreadCount: open conversations with a customer text after the user's read mark", async (t) => {
  const w = await setup(t);
  // Texts from an hour ago, before `late` joins: they count as read for them.
  const old1 = w.text(customer(1), Date.now() - 3_600_000);
  const old2 = w.text(customer(2), Date.now() - 3_500_000);
  const late = await buildUser(w.h, { name: 'Lee' });
  setMembers(w.ctx, w.admin.actor, w.inbox.support, [w.manager.id, w.agent.id, w.ana.id, late.id]);
  const joinedAt = late.createdAt;
  assert.ok(joinedAt > Date.now() - 3_500_000 && joinedAt < T0);

  const n1 = w.text(customer(11), T0 + 1 * SEC);
  const n2 = w.text(customer(12), T0 + 2 * SEC);
  const n3 = w.text(customer(13), T0 + 3 * SEC);
  w.text(customer(14), T0 + 4 * SEC, SALES); // not an inbox Lee sees
  w.text(customer(15), T0 + 5 * SEC, ANA_CELL); // Ana's personal number

  assert.equal(unreadCount(w.ctx, late.actor), 3);
  assert.deepEqual(w.ids(late.actor, f({ unread: true })), [n3, n2, n1]);
  assert.deepEqual(
    w
      .page(late.actor, f())
      .rows.filter((r) => r.id === old1 || r.id === old2)
      .map((r) => r.unread),
    [false, false],
  );
  assert.equal(unreadCount(w.ctx, w.ana.actor), 4, "Support's new ones and her personal number");
  assert.equal(unreadCount(w.ctx, w.manager.actor), 4, "Support's new ones and Sales");
  assert.equal(unreadCount(w.ctx, w.admin.actor), 4, "every shared inbox, but not Ana's personal number");

  w.setStatus(w.admin.actor, n3, 'closed');
  w.setStatus(w.manager.actor, n2, 'spam');
  assert.equal(unreadCount(w.ctx, late.actor), 1, 'closed and spam ones do not count');

  w.at(T0 + 10 * SEC);
  markRead(w.ctx, late.actor, n1);
  assert.equal(unreadCount(w.ctx, late.actor), 0);
  assert.equal(unreadCount(w.ctx, w.agent.actor), 1, "another user's mark is theirs: n1 is still unread for Alex");

  markUnread(w.ctx, late.actor, n1);
  assert.equal(unreadCount(w.ctx, late.actor), 1, 'marked unread counts again');
  markUnread(w.ctx, late.actor, old1);
  assert.equal(unreadCount(w.ctx, late.actor), 2, 'even one from before joining');

  w.at(T0 + 11 * SEC);
  markRead(w.ctx, late.actor, n1);
  markRead(w.ctx, late.actor, old1);
  assert.equal(unreadCount(w.ctx, late.actor), 0);
  w.text(customer(2), T0 + 12 * SEC); // old2 gets a new text after Lee joined
  w.text(customer(1), T0 + 13 * SEC);
  assert.equal(unreadCount(w.ctx, late.actor), 2);
  w.reply(n1, T0 + 14 * SEC);
  assert.equal(unreadCount(w.ctx, late.actor), 2, 'answers do not make anything unread');
  w.text(customer(13), T0 + 15 * SEC); // the closed n3 reopens with a new text
  assert.equal(unreadCount(w.ctx, late.actor), 3);
});

test('a row previews the last message as one plain line, and tells an MMS from an SMS', async (t) => {
  const w = await setup(t);
  const c = w.text(customer(1), T0 + 1 * SEC, SUPPORT, '**Hi**, see [the form](https://example.com/f)\n- one\n- two');
  const row = () => w.page(w.agent.actor, f()).rows.find((r) => r.id === c)!;
  assert.equal(row().preview, 'Hi, see the form one two');
  assert.equal(row().channel, 'sms');

  const lastId = () =>
    (w.h.sqlite.prepare('SELECT max(id) AS id FROM messages WHERE conversation_id = ?').get(c) as { id: number }).id;
  const attach = (messageId: number) =>
    w.h.sqlite
      .prepare(
        `INSERT INTO attachments (message_id, seq, sha256, content_type, kind, filename, size, meta) VALUES (?, 0, 'x', 'image/png', 'image', 'a.png', 1, '{}')`,
      )
      .run(messageId);
  w.text(customer(1), T0 + 2 * SEC, SUPPORT, '');
  attach(lastId());
  assert.equal(row().channel, 'mms', 'files with the message: an MMS');
  assert.equal(row().preview, '');

  w.reply(c, T0 + 3 * SEC);
  const sent = lastId();
  attach(sent);
  w.h.sqlite
    .prepare(`INSERT INTO media_links (message_id, token, url, expires_at) VALUES (?, 't', 'https://x/m/t', 0)`)
    .run(sent);
  assert.equal(row().channel, 'sms', 'files sent as a link: an SMS');
  assert.equal(row().preview, 'On it!');
  assert.equal(rowInList(w.ctx, w.agent.actor, f(), c)?.channel, 'sms');
});

test('rowInList: the row when the conversation belongs in the list, null when it does not', async (t) => {
  const w = await setup(t);
  const c = w.text(customer(1), T0 + 1 * SEC, SUPPORT, 'first');
  w.text(customer(1), T0 + 2 * SEC, SUPPORT, 'second');
  const other = w.text(customer(2), T0 + 3 * SEC, SUPPORT);
  const sales = w.text(customer(3), T0 + 4 * SEC, SALES);
  w.assign(c, w.agent.id);
  const vip = addTag(w.ctx, w.agent.actor, c, 'VIP');
  addTag(w.ctx, w.agent.actor, c, 'Billing');
  const later = addTag(w.ctx, w.agent.actor, other, 'Later');
  pinConversation(w.ctx, w.agent.actor, c);

  const open = f({ status: 'open' });
  const row = rowInList(w.ctx, w.agent.actor, open, c);
  assert.ok(row);
  const expected: Omit<ListRow, 'order'> = {
    id: c,
    inboxId: w.inbox.support,
    inboxName: 'Support',
    personal: false,
    contactName: null,
    phone: customer(1),
    numberE164: SUPPORT,
    status: 'open',
    snoozedUntil: null,
    assigneeName: 'Alex',
    lastMessageAt: T0 + 2 * SEC,
    waitingSince: T0 + 1 * SEC,
    preview: 'second',
    channel: 'sms',
    tags: ['Billing', 'VIP'],
    unread: true,
    pinned: true,
  };
  const { order, ...rest } = row;
  assert.deepEqual(rest, expected);
  assert.deepEqual(w.page(w.agent.actor, open).pinned, [row], 'the same row the list shows');
  const otherRow = rowInList(w.ctx, w.agent.actor, f({ sort: 'waiting' }), other);
  assert.equal(otherRow?.order, w.page(w.agent.actor, f({ sort: 'waiting' })).rows.find((r) => r.id === other)?.order);
  assert.ok(order > 0);

  for (const [why, filter] of [
    ['closed list', f({ status: 'closed' })],
    ["someone else's", f({ assignee: w.manager.id })],
    ['unassigned', f({ assignee: 'none' })],
    ['another tag', f({ tagId: later.id })],
    ['another number', f({ numberId: w.numberId(SUPPORT_2) })],
    ['too old', f({ from: T0 + 3 * SEC })],
    ['personal scope', f({ scope: 'personal' })],
  ] as const) {
    assert.equal(rowInList(w.ctx, w.agent.actor, filter, c), null, why);
  }
  assert.equal(rowInList(w.ctx, w.agent.actor, f({ tagId: vip.id, assignee: 'me', unread: true }), c)?.id, c);
  assert.equal(rowInList(w.ctx, w.agent.actor, f(), 999_999), null, 'no such conversation');
  assert.equal(rowInList(w.ctx, w.agent.actor, f(), sales), null, 'in an inbox the agent cannot see');
  assert.equal(rowInList(w.ctx, w.manager.actor, f(), sales)?.id, sales);
  assert.equal(
    refused(() => rowInList(w.ctx, w.agent.actor, f({ inboxId: w.inbox.sales }), sales)),
    '404 error.not_found',
  );
  assert.equal(
    refused(() => rowInList(w.ctx, w.agent.actor, f({ status: 'spam' }), c)),
    '403 error.forbidden',
  );

  w.at(T0 + 5 * SEC);
  markRead(w.ctx, w.agent.actor, c);
  assert.equal(rowInList(w.ctx, w.agent.actor, f({ unread: true }), c), null, 'read now');
  assert.equal(rowInList(w.ctx, w.agent.actor, open, c)?.unread, false);
  assert.equal(rowInList(w.ctx, w.manager.actor, f({ unread: true }), c)?.unread, true, 'still unread for the manager');
  assert.equal(rowInList(w.ctx, w.manager.actor, open, c)?.pinned, false, 'pinned by the agent only');

  w.setStatus(w.agent.actor, c, 'closed');
  assert.equal(rowInList(w.ctx, w.agent.actor, open, c), null);
  assert.equal(rowInList(w.ctx, w.agent.actor, f({ status: 'closed' }), c)?.status, 'closed');
});

test('the unread rule at its edges, the same in the count, the filter, the rows and a live row', async (t) => {
  const w = await setup(t);
  const readAtTheText = w.text(customer(1), T0 + 1 * SEC);
  const readBefore = w.text(customer(2), T0 + 2 * SEC);
  w.at(T0 + 3 * SEC);
  const noCustomerText = startConversation(w.ctx, w.agent.actor, {
    numberId: w.numberId(SUPPORT),
    to: customer(3),
    body: 'Hello!',
  }).conversationId;
  const marked = (id: number, at: number): void => {
    w.at(at);
    markRead(w.ctx, w.agent.actor, id);
  };
  marked(readAtTheText, T0 + 1 * SEC); // the same millisecond as the customer's text: read
  marked(readBefore, T0 + 1 * SEC); // before the customer's text: unread
  w.at(T0 + 4 * SEC);
  markUnread(w.ctx, w.agent.actor, noCustomerText); // nothing from the customer to read: stays read

  const views = (actor: Actor) => ({
    count: unreadCount(w.ctx, actor),
    filtered: w.ids(actor, f({ unread: true })),
    flagged: w
      .page(actor, f())
      .rows.filter((r) => r.unread)
      .map((r) => r.id),
    live: [readAtTheText, readBefore, noCustomerText].filter(
      (id) => rowInList(w.ctx, actor, f({ unread: true }), id) !== null,
    ),
  });
  assert.deepEqual(views(w.agent.actor), {
    count: 1,
    filtered: [readBefore],
    flagged: [readBefore],
    live: [readBefore],
  });
  assert.deepEqual(
    views(w.manager.actor),
    {
      count: 2,
      filtered: [readBefore, readAtTheText],
      flagged: [readBefore, readAtTheText],
      live: [readAtTheText, readBefore],
    },
    'no marks: texts after joining',
  );
});

test('unreadCount stops counting at UNREAD_CAP (the navigation shows 99+)', async (t) => {
  const w = await setup(t);
  for (let i = 0; i < UNREAD_CAP + 5; i++) w.text(customer(i), T0 + i * SEC);
  assert.equal(unreadCount(w.ctx, w.agent.actor), UNREAD_CAP);
});

test('a live row for many viewers at once is what rowInList says for each, for every filter; unreadAmong is unreadIds turned around', async (t) => {
  const w = await setup(t);
  const { ctx, admin, manager, agent, ana } = w;
  const a = w.text(customer(1), T0 + 1 * SEC);
  const b = w.text(customer(2), T0 + 2 * SEC, SUPPORT_2);
  const c = w.text(customer(3), T0 + 3 * SEC, SALES);
  const d = w.text(customer(4), T0 + 4 * SEC, ANA_CELL);
  const e = w.text(customer(5), T0 + 5 * SEC);
  w.reply(a, T0 + 6 * SEC);
  w.assign(a, agent.id);
  w.assign(e, ana.id);
  w.setStatus(admin.actor, b, 'closed');
  w.setStatus(manager.actor, e, 'spam');
  const vip = addTag(ctx, admin.actor, a, 'vip');
  pinConversation(ctx, agent.actor, a);
  markRead(ctx, ana.actor, a);
  markUnread(ctx, manager.actor, c);
  setHideTags(ctx, agent.actor, true);
  const viewers = [...usersByIds(ctx, [admin.id, manager.id, agent.id, ana.id]).values()];

  const filters: ListFilter[] = [];
  for (const scope of ['shared', 'personal'] as const) {
    for (const status of [undefined, 'open', 'closed', 'spam'] as const) {
      for (const sort of ['newest', 'oldest', 'waiting'] as const)
        filters.push(f({ scope, sort, ...(status ? { status } : {}) }));
    }
  }
  filters.push(
    f({ inboxId: w.inbox.support }),
    f({ inboxId: w.inbox.sales, status: 'open' }),
    f({ numberId: w.numberId(SUPPORT_2) }),
    f({ assignee: 'me' }),
    f({ assignee: 'none', status: 'open' }),
    f({ assignee: agent.id }),
    f({ tagId: vip.id }),
    f({ unread: true }),
    f({ unread: true, scope: 'personal' }),
    f({ from: T0 + 3 * SEC }),
    f({ to: T0 + 3 * SEC }),
    f({ scope: 'history', numberId: w.numberId(SUPPORT) }),
  );
  const single = (viewer: Actor, filter: ListFilter, id: number): ListRow | null => {
    try {
      return rowInList(ctx, viewer, filter, id);
    } catch (err) {
      if (err instanceof DomainError) return null;
      throw err;
    }
  };
  for (const filter of filters) {
    for (const id of [a, b, c, d, e]) {
      const many = rowsForViewers(ctx, id, filter, viewers);
      viewers.forEach((v, i) =>
        assert.deepEqual(
          many[i],
          single(v, filter, id),
          `conversation ${id}, viewer ${v.name}, ${JSON.stringify(filter)}`,
        ),
      );
    }
  }
  for (const id of [a, b, c, d, e]) {
    const expected = viewers.filter((v) => unreadIds(ctx, v).includes(id)).map((v) => v.id);
    const seeing = viewers.filter(
      (v) => rowsForViewers(ctx, id, f({ scope: id === d ? 'personal' : 'shared' }), [v])[0] !== null,
    );
    assert.deepEqual([...unreadAmong(ctx, id, seeing)].sort(), expected.sort(), `unread among the viewers of ${id}`);
  }
});
