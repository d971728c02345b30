import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/open.ts';
import { chooseAssignee } from '../../src/domain/assignment/round-robin.ts';
import { parseMaxOpen, setAutoAssign } from '../../src/domain/assignment/settings.ts';
import { setConversationStatus } from '../../src/domain/conversations/actions.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { setAssignmentMode, setMembers } from '../../src/domain/inboxes/service.ts';
import { setInQueue } from '../../src/domain/assignment/queue.ts';
import { welcomeToasts } from '../../src/domain/users/preferences.ts';
import { setAvailability } from '../../src/domain/users/presence.ts';
import { setActive } from '../../src/domain/users/service.ts';
import { translator } from '../../src/i18n/index.ts';
import { buildInbox, buildNumber, buildUser, nextCustomer, receiveText, type User, type World } from '../factories.ts';
import { buildTestApp, refusal, type TestApp } from '../helper.ts';

const SHOP = '+15551230000';
type Sqlite = TestApp['sqlite'];

/** A customer nobody has heard of texts the shop: a new conversation. */
const newConversation = (w: World, from = nextCustomer(), text = 'Hello'): number =>
  receiveText(w, { from, to: SHOP, text }).conversationId;

const assigneeOf = (sqlite: Sqlite, id: number) =>
  sqlite.prepare('SELECT assignee_id FROM conversations WHERE id = ?').pluck().get(id) as number | null;
/** As each of `who` sets it on their own. */
const availability = (w: World, value: 'available' | 'away' | 'offline', ...who: User[]) => {
  for (const user of who) setAvailability(w.app.domain, user.actor, value);
};
const turnOf = (sqlite: Sqlite, inboxId: number) =>
  sqlite.prepare('SELECT rotation_turn FROM inboxes WHERE id = ?').pluck().get(inboxId) as number;

/** A Support inbox with round-robin on and `n` available agents in its queue (plus an admin, who is not a member). */
async function setup(n = 3) {
  const h = await buildTestApp();
  const [admin, manager] = await Promise.all([
    buildUser(h, { role: 'admin', name: 'Ada' }),
    buildUser(h, { role: 'manager', name: 'Mia' }),
  ]);
  // One after the other: the rotation breaks ties by id.
  const agents = [];
  for (let i = 0; i < n; i++) agents.push(await buildUser(h, { name: `Agent ${i + 1}` }));
  const inboxId = buildInbox(h, { name: 'Support', members: [manager, ...agents] }).id;
  buildNumber(h, { e164: SHOP, inbox: 'Support' });
  // The manager is a member but stays offline: only the agents take conversations.
  availability(h, 'available', ...agents);
  setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: true, maxOpen: '' });
  return { h, admin, manager, agents, inboxId, ids: agents.map((a) => a.id) };
}

/** The new conversations announced from now on (`conversation.welcomed`). */
function welcomes(h: TestApp): { conversationId: number; inboxId: number; messageId: number }[] {
  const all: { conversationId: number; inboxId: number; messageId: number }[] = [];
  h.app.domain.events.on('conversation.welcomed', (w) => all.push(w));
  return all;
}

/** Who of all users gets the toast of conversation `id`'s welcome, with its excerpt, by user id. */
function toasted(
  h: TestApp,
  announced: { conversationId: number; messageId: number }[],
  id: number,
): [number, string][] {
  const w = announced.find((x) => x.conversationId === id);
  if (!w) return [];
  const everyone = h.sqlite.prepare('SELECT id FROM users').pluck().all() as number[];
  return [...welcomeToasts(h.app.domain, id, w.messageId, everyone)]
    .map(([userId, t]): [number, string] => [userId, t.excerpt])
    .sort((x, y) => x[0] - y[0]);
}

function tally(sqlite: Sqlite, conversationIds: number[]): Map<number | null, number> {
  const counts = new Map<number | null, number>();
  for (const id of conversationIds) {
    const who = assigneeOf(sqlite, id);
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return counts;
}

test('the chooser: longest since their last turn first, lowest id on ties, the cap skips, nobody gives null', () => {
  assert.equal(chooseAssignee([], null), null);
  assert.equal(
    chooseAssignee(
      [
        { userId: 7, lastTurn: 3, open: 0 },
        { userId: 5, lastTurn: 4, open: 0 },
      ],
      null,
    ),
    7,
  );
  assert.equal(
    chooseAssignee(
      [
        { userId: 7, lastTurn: 0, open: 0 },
        { userId: 5, lastTurn: 0, open: 0 },
      ],
      null,
    ),
    5,
    'ties: lowest id',
  );
  assert.equal(
    chooseAssignee(
      [
        { userId: 5, lastTurn: 1, open: 2 },
        { userId: 7, lastTurn: 9, open: 1 },
      ],
      2,
    ),
    7,
    'at the cap: skipped',
  );
  assert.equal(
    chooseAssignee(
      [
        { userId: 5, lastTurn: 1, open: 2 },
        { userId: 7, lastTurn: 9, open: 5 },
      ],
      2,
    ),
    null,
  );
  assert.equal(chooseAssignee([{ userId: 5, lastTurn: 1, open: 200 }], null), 5, 'no cap');
});

test('the cap field: empty is no cap, 1 to 500, anything else refused', () => {
  assert.equal(parseMaxOpen(''), null);
  assert.equal(parseMaxOpen('  '), null);
  assert.equal(parseMaxOpen(' 12 '), 12);
  assert.equal(parseMaxOpen('500'), 500);
  for (const bad of ['0', '501', '-1', '1.5', 'abc', '1e2', '00000001', undefined]) {
    if (bad === undefined) {
      assert.equal(parseMaxOpen(bad), null);
      continue;
    }
    assert.throws(
      () => parseMaxOpen(bad),
      (err) => err instanceof DomainError && err.status === 422 && err.field === 'max_open',
      bad,
    );
  }
});

for (const size of [3, 5]) {
  test(`fair over 1 000 new conversations among ${size} available agents: counts differ by at most 1, strictly in turn`, async (t) => {
    const { h, manager, ids, inboxId } = await setup(size);
    t.after(() => h.close());
    const made: number[] = [];
    for (let i = 0; i < 1000; i++) made.push(newConversation(h));
    const counts = tally(h.sqlite, made);
    assert.equal(counts.get(null), undefined, 'none left unassigned');
    assert.equal(counts.get(manager.id), undefined, 'the offline manager gets none');
    const perAgent = ids.map((id) => counts.get(id) ?? 0);
    assert.equal(
      perAgent.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.ok(Math.max(...perAgent) - Math.min(...perAgent) <= 1, JSON.stringify(perAgent));
    // In turn: the first round goes by id, every later round in the same order.
    assert.deepEqual(
      made.slice(0, size * 2).map((id) => assigneeOf(h.sqlite, id)),
      [...ids, ...ids],
    );
    assert.equal(turnOf(h.sqlite, inboxId), 1000, 'one turn per assignment, stored');
    const versions = h.sqlite.prepare('SELECT DISTINCT version FROM conversations').pluck().all();
    assert.deepEqual(versions, [1], 'the assignment bumps the version (a page from before it is stale)');
    assert.equal(
      h.sqlite
        .prepare(`SELECT count(*) FROM conversation_events WHERE kind = 'auto_assigned' AND actor_user_id IS NULL`)
        .pluck()
        .get(),
      1000,
    );
  });
}

test('the cap: an agent at the cap is skipped; closing one of theirs makes them eligible again; nobody under it leaves it unassigned', async (t) => {
  const { h, manager, ids, inboxId } = await setup(3);
  t.after(() => h.close());
  setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: true, maxOpen: '2' });
  const [a, b, c] = ids as [number, number, number];
  const first = Array.from({ length: 5 }, () => newConversation(h));
  assert.deepEqual(
    first.map((id) => assigneeOf(h.sqlite, id)),
    [a, b, c, a, b],
  );
  // Ana and Ben hold 2 each now: Cy is the only one under the cap.
  const sixth = newConversation(h);
  assert.equal(assigneeOf(h.sqlite, sixth), c);
  const turn = turnOf(h.sqlite, inboxId);
  const seventh = newConversation(h);
  assert.equal(assigneeOf(h.sqlite, seventh), null, 'everyone at the cap: it waits unassigned');
  assert.equal(turnOf(h.sqlite, inboxId), turn, 'and the rotation does not move');
  assert.equal(
    h.sqlite.prepare(`SELECT count(*) FROM conversation_events WHERE conversation_id = ?`).pluck().get(seventh),
    0,
  );
  // Ben closes one of his: he is under the cap again and takes the next one.
  const bens = first[1]!;
  setConversationStatus(h.app.domain, { id: b, role: 'agent' }, bens, 1, 'closed');
  assert.equal(assigneeOf(h.sqlite, newConversation(h)), b);
  // Only open conversations of this inbox count: one of Ana's marked spam frees her too.
  setConversationStatus(h.app.domain, manager.actor, first[0]!, 1, 'spam');
  assert.equal(assigneeOf(h.sqlite, newConversation(h)), a);
  // Conversations of another inbox do not count against this one's cap.
  const other = buildInbox(h, { name: 'Other' });
  h.sqlite.prepare('UPDATE conversations SET inbox_id = ? WHERE id = ?').run(other.id, first[2]!);
  assert.equal(assigneeOf(h.sqlite, newConversation(h)), c, 'Cy held 2 in Support; one moved away');
  // Without a cap, all take conversations again.
  setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: true, maxOpen: '' });
  assert.notEqual(assigneeOf(h.sqlite, newConversation(h)), null);
});

test('away, offline, out of the queue, deactivated and non-members are skipped', async (t) => {
  const { h, admin, agents, ids, inboxId } = await setup(5);
  t.after(() => h.close());
  const [away, , outOfQueue, gone, ben] = ids as [number, number, number, number, number];
  availability(h, 'away', agents[0]!);
  availability(h, 'offline', agents[1]!);
  setInQueue(h.app.domain, agents[2]!.actor, inboxId, false);
  setActive(h.app.domain, admin.actor, gone, false);
  const outsider = await buildUser(h, { name: 'Otto' });
  availability(h, 'available', outsider, admin);
  const made = Array.from({ length: 6 }, () => newConversation(h));
  assert.deepEqual([...tally(h.sqlite, made)], [[ben, 6]], 'only the one eligible agent');
  // Back in the queue and available: first in line (longest since a turn), then in turn.
  setInQueue(h.app.domain, agents[2]!.actor, inboxId, true);
  availability(h, 'available', agents[0]!);
  const next = Array.from({ length: 4 }, () => newConversation(h));
  assert.deepEqual(
    next.map((id) => assigneeOf(h.sqlite, id)),
    [away, outOfQueue, ben, away],
  );
});

test('a member joining mid-way gets the next one, then takes turns; one who leaves gets no more', async (t) => {
  const { h, admin, manager, ids, inboxId } = await setup(2);
  t.after(() => h.close());
  const [a, b] = ids as [number, number];
  const before = Array.from({ length: 10 }, () => newConversation(h));
  assert.deepEqual([...tally(h.sqlite, before)].sort(), [
    [a, 5],
    [b, 5],
  ]);
  const cy = await buildUser(h, { name: 'Cy' });
  availability(h, 'available', cy);
  setMembers(h.app.domain, admin.actor, inboxId, [manager.id, a, b, cy.id]);
  const joined = Array.from({ length: 6 }, () => newConversation(h));
  assert.deepEqual(
    joined.map((id) => assigneeOf(h.sqlite, id)),
    [cy.id, a, b, cy.id, a, b],
    'the newcomer first (they had none), then in turn',
  );
  setMembers(h.app.domain, admin.actor, inboxId, [manager.id, a, cy.id]);
  const left = Array.from({ length: 101 }, () => newConversation(h));
  const counts = tally(h.sqlite, left);
  assert.equal(counts.get(b), undefined, 'Ben left the inbox');
  assert.ok(Math.abs((counts.get(a) ?? 0) - (counts.get(cy.id) ?? 0)) <= 1);
  assert.equal((counts.get(a) ?? 0) + (counts.get(cy.id) ?? 0), 101);
});

test('nobody eligible: it stays unassigned, with no assignment event or notification; the team still hears of it', async (t) => {
  const { h, admin, manager, agents, ids, inboxId } = await setup(2);
  t.after(() => h.close());
  availability(h, 'away', ...agents);
  const announced = welcomes(h);
  const id = newConversation(h, undefined, 'Is anyone there?');
  assert.equal(assigneeOf(h.sqlite, id), null);
  assert.equal(turnOf(h.sqlite, inboxId), 0);
  assert.equal(h.sqlite.prepare('SELECT version FROM conversations WHERE id = ?').pluck().get(id), 0);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM conversation_events').pluck().get(), 0);
  assert.equal(
    h.sqlite.prepare('SELECT count(*) FROM notifications WHERE conversation_id = ?').pluck().get(id),
    0,
    'announced, not a row per person',
  );
  const audience = [admin.id, manager.id, ...ids].sort((x, y) => x - y);
  assert.deepEqual(
    toasted(h, announced, id),
    audience.map((userId) => [userId, 'Is anyone there?']),
  );
});

test('an automatic assignment: the timeline says so without an actor; the assignee is told; news goes out after the commit', async (t) => {
  const { h, admin, manager, ids } = await setup(2);
  t.after(() => h.close());
  const seen: { name: string; inTransaction: boolean; payload: unknown }[] = [];
  for (const name of [
    'conversation.changed',
    'conversation.event',
    'notification.created',
    'message.created',
    'conversation.welcomed',
  ] as const) {
    h.app.domain.events.on(name, (payload) => seen.push({ name, inTransaction: h.sqlite.inTransaction, payload }));
  }
  const announced = welcomes(h);
  const id = newConversation(h, undefined, 'My order   is\nlate');
  const [a] = ids as [number];
  assert.equal(assigneeOf(h.sqlite, id), a);
  const event = h.sqlite
    .prepare('SELECT id, kind, actor_user_id AS actor, data FROM conversation_events WHERE conversation_id = ?')
    .get(id) as Record<string, unknown>;
  assert.deepEqual(
    { ...event, id: undefined },
    { id: undefined, kind: 'auto_assigned', actor: null, data: JSON.stringify({ assignee: 'Agent 1' }) },
  );
  assert.equal(
    translator('en')('event.auto_assigned', { assignee: 'Agent 1', actor: '' }),
    'Assigned to Agent 1 automatically (round-robin)',
  );
  assert.equal(
    translator('de')('event.auto_assigned', { assignee: 'Agent 1', actor: '' }),
    'Automatisch Agent 1 zugewiesen (reihum)',
  );
  const notes = h.sqlite
    .prepare('SELECT id, user_id AS userId, kind, excerpt FROM notifications WHERE conversation_id = ? ORDER BY id')
    .all(id) as { id: number; userId: number; kind: string; excerpt: string }[];
  const audience = [admin.id, manager.id, ...ids].sort((x, y) => x - y);
  assert.deepEqual(
    toasted(h, announced, id),
    audience.map((userId) => [userId, 'My order is late']),
  );
  assert.deepEqual(
    notes.map((n) => [n.kind, n.userId, n.excerpt]),
    [['assigned', a, 'My order is late']],
  );
  assert.ok(
    seen.every((s) => !s.inTransaction),
    'nothing is announced from inside the transaction',
  );
  assert.deepEqual(
    seen.filter((s) => s.name === 'conversation.event').map((s) => s.payload),
    [
      {
        conversationId: id,
        eventId: event.id,
        inboxId: (seen.find((s) => s.name === 'message.created')!.payload as { inboxId: number }).inboxId,
      },
    ],
  );
  assert.equal(seen.filter((s) => s.name === 'conversation.changed').length, 1);
  assert.deepEqual(
    seen
      .filter((s) => s.name === 'notification.created')
      .map((s) => (s.payload as { notificationId: number }).notificationId),
    notes.map((n) => n.id),
  );
});

test('only new conversations: a reopened one keeps its assignee, one that waited keeps waiting, spam stays out', async (t) => {
  const { h, manager, agents, ids, inboxId } = await setup(2);
  t.after(() => h.close());
  const [a, b] = ids as [number, number];
  const announced = welcomes(h);
  const customer = nextCustomer();
  const id = newConversation(h, customer);
  assert.equal(assigneeOf(h.sqlite, id), a);
  setConversationStatus(h.app.domain, { id: a, role: 'agent' }, id, 1, 'closed');
  const turn = turnOf(h.sqlite, inboxId);
  assert.equal(newConversation(h, customer, 'Me again'), id, 'the same conversation, reopened');
  assert.equal(assigneeOf(h.sqlite, id), a, 'keeps its assignee');
  assert.equal(turnOf(h.sqlite, inboxId), turn);
  assert.deepEqual(
    h.sqlite.prepare('SELECT kind FROM conversation_events WHERE conversation_id = ? ORDER BY id').pluck().all(id),
    ['auto_assigned', 'closed', 'reopened'],
  );
  assert.equal(announced.filter((w) => w.conversationId === id).length, 1, 'told of once, when it was new');

  // Nobody was there when it came in; a later text does not hand it out.
  availability(h, 'away', ...agents);
  const waiting = nextCustomer();
  const waited = newConversation(h, waiting);
  availability(h, 'available', ...agents);
  assert.equal(newConversation(h, waiting, 'Hello??'), waited);
  assert.equal(assigneeOf(h.sqlite, waited), null);

  // A spammer's later texts neither assign nor notify.
  const spammer = nextCustomer();
  const spam = newConversation(h, spammer);
  assert.equal(assigneeOf(h.sqlite, spam), b);
  setConversationStatus(h.app.domain, manager.actor, spam, 1, 'spam');
  h.sqlite.prepare('UPDATE conversations SET assignee_id = NULL WHERE id = ?').run(spam);
  const notesBefore = h.sqlite.prepare('SELECT count(*) FROM notifications').pluck().get();
  const welcomesBefore = announced.length;
  assert.equal(newConversation(h, spammer, 'Buy now'), spam);
  assert.equal(assigneeOf(h.sqlite, spam), null);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM notifications').pluck().get(), notesBefore);
  assert.equal(announced.length, welcomesBefore);
});

test('round-robin off, assignment mode off, or a personal inbox: nothing is assigned', async (t) => {
  const { h, admin, manager, inboxId } = await setup(2);
  t.after(() => h.close());
  setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: false, maxOpen: '' });
  assert.equal(assigneeOf(h.sqlite, newConversation(h)), null);
  setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: true, maxOpen: '' });
  setAssignmentMode(h.app.domain, manager.actor, inboxId, false);
  assert.equal(assigneeOf(h.sqlite, newConversation(h)), null, 'assignment mode off wins');
  assert.equal(turnOf(h.sqlite, inboxId), 0);
  // A personal inbox, even with the flag forced on underneath, belongs to its owner alone.
  const cell = buildNumber(h, { owner: admin });
  h.sqlite.prepare('UPDATE inboxes SET auto_assign = 1 WHERE owner_user_id IS NOT NULL').run();
  availability(h, 'available', admin);
  const announced = welcomes(h);
  const r = receiveText(h, { to: cell, text: 'hi' });
  assert.equal(assigneeOf(h.sqlite, r.conversationId), null);
  assert.deepEqual(toasted(h, announced, r.conversationId), [[admin.id, 'hi']], 'its owner hears of it, nobody else');
});

test('who may switch it: managers and admins who see the inbox; agents 403; unseen or personal inboxes 404; bad caps 422', async (t) => {
  const { h, admin, manager, agents, inboxId } = await setup(1);
  t.after(() => h.close());
  const other = await buildUser(h, { role: 'manager', name: 'Max' });
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, agents[0]!.actor, inboxId, { enabled: true, maxOpen: '' })),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, other.actor, inboxId, { enabled: true, maxOpen: '' })),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, manager.actor, 99_999, { enabled: true, maxOpen: '' })),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, manager.actor, inboxId, { enabled: true, maxOpen: '501' })),
    '422 assignment.max_open_invalid',
  );
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, admin.actor, inboxId, { enabled: true, maxOpen: '25' })),
    'ok',
  );
  assert.deepEqual(
    h.sqlite.prepare('SELECT auto_assign AS on_, max_open_per_agent AS cap FROM inboxes WHERE id = ?').get(inboxId),
    { on_: 1, cap: 25 },
  );
  const personal = buildNumber(h, { owner: admin }).inboxId;
  assert.equal(
    refusal(() => setAutoAssign(h.app.domain, admin.actor, personal, { enabled: true, maxOpen: '' })),
    '404 error.not_found',
  );
});

test('after a restart the stored rotation continues where it stopped', async (t) => {
  const { h, agents, ids, inboxId } = await setup(3);
  const [a, b, c] = ids as [number, number, number];
  const before = Array.from({ length: 4 }, () => newConversation(h));
  assert.deepEqual(
    before.map((id) => assigneeOf(h.sqlite, id)),
    [a, b, c, a],
  );
  // Stop the app and its database, then start a new one on the same file.
  await h.app.close();
  h.sqlite.close();
  const sqlite = openDatabase(h.dbFile);
  const app = await buildApp({ configStore: h.configStore, sqlite, logger: false, mediaDir: h.app.media.dir });
  t.after(async () => {
    await app.close();
    sqlite.close();
    rmSync(h.dir, { recursive: true, force: true });
  });
  await app.ready();
  assert.equal(turnOf(sqlite, inboxId), 4);
  // Nobody has a tab open right after a start (presence may have made them offline): they come back.
  availability({ app }, 'available', ...agents);
  const after = Array.from({ length: 5 }, () => newConversation({ app }));
  assert.deepEqual(
    after.map((id) => assigneeOf(sqlite, id)),
    [b, c, a, b, c],
    'Ben is next, not Ana again',
  );
});
