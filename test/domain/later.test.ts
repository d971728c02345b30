import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { listConversations, unreadIds } from '../../src/domain/conversations/list.ts';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { markRead } from '../../src/domain/conversations/reading.ts';
import { startConversation } from '../../src/domain/conversations/start.ts';
import { timelinePage } from '../../src/domain/conversations/timeline.ts';
import { cancelScheduled, editScheduled, scheduledFor, scheduleReply } from '../../src/domain/later/scheduled.ts';
import { snoozeConversation, unsnoozeConversation } from '../../src/domain/later/snooze.ts';
import { whenOf } from '../../src/domain/later/when.ts';
import { setActive } from '../../src/domain/users/service.ts';
import { buildConversation, buildInbox, buildUser, receiveText, SETUP, type World } from '../factories.ts';
import { refusal, testApp, until } from '../helper.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 7 December 2026, 10:00 in Berlin (09:00 UTC). */
const T0 = Date.UTC(2026, 11, 7, 9, 0);

/** An app whose clock stands at T0 until a test moves it (`at`); an agent in Support with a customer's conversation. */
async function setup(t: { after(fn: () => Promise<void>): void }) {
  const h = await testApp(t);
  let now = T0;
  h.app.domain.now = () => now;
  const [agent, teammate, outsider] = await Promise.all([buildUser(h), buildUser(h), buildUser(h)]);
  buildInbox(h, { members: [outsider] });
  const inbox = buildInbox(h, { members: [agent, teammate] });
  const c = buildConversation(h, { inbox, texts: ['Can you call me back next week?'] });
  /** Moves the clock and lets the timer do what is due (as its own timeout would, without waiting for it). */
  const at = (ms: number) => {
    now = ms;
    h.app.later.run();
  };
  const version = () => getConversation(h.app.domain, agent.actor, c.id).version;
  const status = () => getConversation(h.app.domain, agent.actor, c.id).status;
  const kinds = () =>
    timelinePage(h.app.domain, agent.actor, c.id).items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
  const outbound = (w: World = h) =>
    w.app.domain.db.$client
      .prepare(
        `SELECT body, status, author_user_id AS author FROM messages WHERE conversation_id = ? AND direction = 'out'`,
      )
      .all(c.id) as { body: string; status: string; author: number | null }[];
  const inList = (view: 'open' | 'snoozed') =>
    listConversations(h.app.domain, agent.actor, { scope: 'shared', status: view, sort: 'newest' }).rows.map(
      (r) => r.id,
    );
  return { h, agent, teammate, outsider, c, at, version, status, kinds, outbound, inList };
}

test('a snoozed conversation leaves the lists and comes back at its time, open and unread for the inbox', async (t) => {
  const { h, agent, teammate, c, at, version, status, kinds, inList } = await setup(t);
  markRead(h.app.domain, agent.actor, c.id);
  markRead(h.app.domain, teammate.actor, c.id);
  snoozeConversation(h.app.domain, agent.actor, c.id, version(), T0 + HOUR);
  assert.equal(status(), 'snoozed');
  assert.deepEqual(inList('open'), []);
  assert.deepEqual(inList('snoozed'), [c.id]);
  assert.equal(
    listConversations(h.app.domain, agent.actor, { scope: 'shared', status: 'snoozed', sort: 'newest' }).rows[0]!
      .snoozedUntil,
    T0 + HOUR,
  );

  at(T0 + HOUR - 1);
  assert.equal(status(), 'snoozed', 'not a millisecond early');
  at(T0 + HOUR);
  assert.equal(status(), 'open');
  assert.deepEqual(inList('open'), [c.id]);
  assert.deepEqual(inList('snoozed'), []);
  for (const who of [agent, teammate]) assert.deepEqual(unreadIds(h.app.domain, who.actor), [c.id], who.name);
  assert.deepEqual(kinds(), ['snoozed', 'snooze_ended']);
});

test("the customer's next text brings it back before its time; the timer then has nothing to do", async (t) => {
  const { h, agent, c, at, version, status, kinds } = await setup(t);
  snoozeConversation(h.app.domain, agent.actor, c.id, version(), T0 + 24 * HOUR);
  at(T0 + 10 * MIN);
  receiveText(h, { to: c.to, from: c.phone, text: 'Actually, today works' });
  assert.equal(status(), 'open');
  assert.equal(getConversation(h.app.domain, agent.actor, c.id).snoozedUntil, null);
  at(T0 + 25 * HOUR);
  assert.deepEqual(kinds(), ['snoozed', 'snooze_ended_by_text']);
});

test('New conversation to the customer continues the snoozed one, which stays snoozed', async (t) => {
  const { h, agent, c, version, status } = await setup(t);
  snoozeConversation(h.app.domain, agent.actor, c.id, version(), T0 + HOUR);
  const started = startConversation(h.app.domain, agent.actor, { numberId: c.numberId, to: c.phone, body: 'Hi again' });
  assert.equal(started.conversationId, c.id);
  assert.equal(status(), 'snoozed');
});

test('unsnooze by hand; snooze is refused to outsiders, from a stale page, and for a closed conversation', async (t) => {
  const { h, agent, outsider, c, version, status, kinds } = await setup(t);
  const snooze =
    (who: typeof agent, v = version()) =>
    () =>
      snoozeConversation(h.app.domain, who.actor, c.id, v, T0 + HOUR);
  assert.equal(refusal(snooze(outsider)), '404 error.not_found');
  const stale = version();
  snooze(agent)();
  assert.equal(refusal(snooze(agent, stale)), '409 conversation.stale');
  unsnoozeConversation(h.app.domain, agent.actor, c.id, version());
  assert.equal(status(), 'open');
  assert.equal(
    refusal(() => unsnoozeConversation(h.app.domain, agent.actor, c.id, version())),
    '409 conversation.stale',
  );
  h.app.domain.db.$client.prepare(`UPDATE conversations SET status = 'closed' WHERE id = ?`).run(c.id);
  assert.equal(refusal(snooze(agent)), '409 later.snooze_not_open');
  assert.deepEqual(kinds(), ['snoozed', 'unsnoozed']);
});

test('a scheduled reply waits, then goes through the outbox as a reply of its author when due', async (t) => {
  const { h, agent, c, at, outbound } = await setup(t);
  const id = scheduleReply(h.app.domain, agent.actor, c.id, 'Calling you **Monday**', T0 + HOUR);
  assert.deepEqual(outbound(), []);
  assert.equal(scheduledFor(h.app.domain, agent.actor, c.id)[0]!.id, id);
  at(T0 + HOUR);
  assert.deepEqual(outbound(), [{ body: 'Calling you **Monday**', status: 'queued', author: agent.id }]);
  assert.deepEqual(scheduledFor(h.app.domain, agent.actor, c.id), []);
});

test('an opt-out that arrived meanwhile refuses the reply at due time: it stays, marked, and nothing is sent', async (t) => {
  const { h, agent, c, at, outbound } = await setup(t);
  scheduleReply(h.app.domain, agent.actor, c.id, 'Our offer', T0 + HOUR);
  receiveText(h, { to: c.to, from: c.phone, text: 'STOP' });
  const before = outbound();
  at(T0 + 2 * HOUR);
  assert.deepEqual(outbound(), before, 'only the STOP confirmation went out');
  const [item] = scheduledFor(h.app.domain, agent.actor, c.id);
  assert.equal(item?.failedKey, 'sms.opted_out');
  // Refused once is not retried by itself: it waits for its author to change it or cancel it.
  at(T0 + 3 * HOUR);
  assert.deepEqual(outbound(), before);
  // An opt-out already there refuses the scheduling itself.
  assert.equal(
    refusal(() => scheduleReply(h.app.domain, agent.actor, c.id, 'Again', T0 + 4 * HOUR)),
    '422 sms.opted_out',
  );
});

test('its author edits and cancels it; a teammate may not, an outsider does not see it; a deactivated author sends nothing', async (t) => {
  const { h, agent, teammate, outsider, c, at, outbound } = await setup(t);
  const id = scheduleReply(h.app.domain, agent.actor, c.id, 'First draft', T0 + HOUR);
  editScheduled(h.app.domain, agent.actor, id, 'Second draft', T0 + 2 * HOUR);
  assert.deepEqual(
    scheduledFor(h.app.domain, teammate.actor, c.id).map((s) => [s.body, s.dueAt]),
    [['Second draft', T0 + 2 * HOUR]],
  );
  assert.equal(
    refusal(() => editScheduled(h.app.domain, teammate.actor, id, 'Mine', T0 + HOUR)),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => cancelScheduled(h.app.domain, teammate.actor, id)),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => cancelScheduled(h.app.domain, outsider.actor, id)),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => scheduledFor(h.app.domain, outsider.actor, c.id)),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => editScheduled(h.app.domain, agent.actor, id, '  ', T0 + HOUR)),
    '422 sms.body_empty',
  );
  at(T0 + HOUR);
  assert.deepEqual(outbound(), [], 'moved to later');
  cancelScheduled(h.app.domain, agent.actor, id);
  at(T0 + 3 * HOUR);
  assert.deepEqual(outbound(), []);
  assert.deepEqual(scheduledFor(h.app.domain, agent.actor, c.id), []);

  scheduleReply(h.app.domain, agent.actor, c.id, 'From someone who left', T0 + 4 * HOUR);
  setActive(h.app.domain, SETUP, agent.id, false);
  at(T0 + 4 * HOUR);
  assert.deepEqual(outbound(), []);
  assert.equal(scheduledFor(h.app.domain, teammate.actor, c.id)[0]?.failedKey, 'error.forbidden');
});

test('snoozes and scheduled replies survive a restart: the new app does what fell due', async (t) => {
  const { h, agent, c, version, outbound } = await setup(t);
  snoozeConversation(h.app.domain, agent.actor, c.id, version(), T0 + HOUR);
  scheduleReply(h.app.domain, agent.actor, c.id, 'After the restart', T0 + HOUR);
  await h.app.close();

  // The same SQLite file, a new app; its clock is past both (the server was down when they fell due).
  const again = await buildApp({
    configStore: h.configStore,
    sqlite: h.sqlite,
    logger: false,
    mediaDir: join(h.dir, 'media'),
  });
  again.domain.now = () => T0 + 2 * HOUR;
  await again.ready();
  t.after(() => again.close());
  const w = { app: again };
  assert.equal(getConversation(again.domain, agent.actor, c.id).status, 'open');
  assert.deepEqual(unreadIds(again.domain, agent.actor), [c.id]);
  assert.deepEqual(outbound(w), [{ body: 'After the restart', status: 'queued', author: agent.id }]);
});

test('the timer wakes by itself at the due time (a real wait, a short one)', async (t) => {
  const h = await testApp(t);
  const agent = await buildUser(h);
  const inbox = buildInbox(h, { members: [agent] });
  const c = buildConversation(h, { inbox });
  const v = getConversation(h.app.domain, agent.actor, c.id).version;
  snoozeConversation(h.app.domain, agent.actor, c.id, v, Date.now() + 150);
  scheduleReply(h.app.domain, agent.actor, c.id, 'Soon', Date.now() + 200);
  await until(
    () =>
      getConversation(h.app.domain, agent.actor, c.id).status === 'open' &&
      scheduledFor(h.app.domain, agent.actor, c.id).length === 0,
    'the snooze ended and the reply went out',
    5000,
  );
});

test('when: later today is three hours on, tomorrow and next week 09:00 in the person’s zone, a picked time in it', () => {
  const berlin = 'Europe/Berlin';
  assert.equal(whenOf('later_today', '', berlin, T0), T0 + 3 * HOUR);
  assert.equal(whenOf('tomorrow', '', berlin, T0), Date.UTC(2026, 11, 8, 8, 0));
  // T0 is a Monday: next week is the Monday after.
  assert.equal(whenOf('next_week', '', berlin, T0), Date.UTC(2026, 11, 14, 8, 0));
  assert.equal(whenOf('next_week', '', berlin, Date.UTC(2026, 11, 13, 22, 30)), Date.UTC(2026, 11, 14, 8, 0));
  assert.equal(whenOf('tomorrow', '', 'America/Los_Angeles', T0), Date.UTC(2026, 11, 8, 17, 0));
  assert.equal(whenOf('at', '2026-12-24T18:30', berlin, T0), Date.UTC(2026, 11, 24, 17, 30));
  // Summer time in Berlin: two hours ahead of UTC.
  assert.equal(whenOf('at', '2027-07-01T09:00', berlin, T0), Date.UTC(2027, 6, 1, 7, 0));
  const refused = (choice: string, at = '') => refusal(() => whenOf(choice, at, berlin, T0));
  assert.equal(refused('at', '2026-12-07T09:59'), '422 later.at_past');
  assert.equal(refused('at', ''), '422 later.at_missing');
  assert.equal(refused('at', 'tomorrow'), '422 later.at_bad');
  assert.equal(refused('at', '2026-02-30T10:00'), '422 later.at_bad');
  assert.equal(refused('at', '2028-12-24T10:00'), '422 later.at_far');
  assert.equal(refused('soon'), '422 later.choice_bad');
});
