import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { configSchema } from '../../../src/config/schema.ts';
import { dispatchDue } from '../../../src/domain/campaigns/dispatch.ts';
import {
  cancelCampaign,
  HELD,
  pauseCampaign,
  resumeCampaign,
  startCampaign,
} from '../../../src/domain/campaigns/lifecycle.ts';
import { campaignProgress, recipientsPage, reportRows } from '../../../src/domain/campaigns/report.ts';
import { campaignSettingsOf } from '../../../src/domain/campaigns/settings.ts';
import { unsubscribeByHand } from '../../../src/domain/contacts/service.ts';
import { DomainError } from '../../../src/domain/errors.ts';
import { setAutoAssign } from '../../../src/domain/assignment/settings.ts';
import { setAvailability } from '../../../src/domain/users/presence.ts';
import {
  buildCampaign,
  buildContact,
  buildInbox,
  buildNumber,
  buildUser,
  nextCustomer,
  receiveText,
} from '../../factories.ts';
import { buildTestApp } from '../../helper.ts';

const settings = campaignSettingsOf(configSchema.parse({}));
const NOON_UTC = Date.parse('2026-01-15T12:00:00Z');

/** An app whose clock stands at `at` (moved by `h.at = …`), without its own dispatcher: the test dispatches. */
async function frozenApp(t: TestContext, at = NOON_UTC) {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.campaigns.stop();
  const clock = { at };
  h.app.domain.now = () => clock.at;
  const admin = await buildUser(h, { role: 'admin' });
  const dispatch = (budget = 1_000) => dispatchDue(h.app.domain, settings, clock.at, () => budget);
  const recipients = (campaignId: number) =>
    h.sqlite
      .prepare(
        `SELECT phone, state, skip_reason AS skip, not_before AS notBefore, message_id AS messageId, conversation_id AS conversationId
         FROM campaign_recipients WHERE campaign_id = ? ORDER BY id`,
      )
      .all(campaignId) as {
      phone: string;
      state: string;
      skip: string | null;
      notBefore: number | null;
      messageId: number | null;
      conversationId: number | null;
    }[];
  const campaign = (id: number) =>
    h.sqlite.prepare('SELECT * FROM campaigns WHERE id = ?').get(id) as Record<string, unknown> & { version: number };
  const message = (id: number) =>
    h.sqlite.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Record<string, unknown>;
  /** The carrier took every campaign text waiting in the outbox (this app's outbox does not send). */
  const carrierTook = () =>
    h.sqlite.prepare(`UPDATE messages SET status = 'sent' WHERE status = 'queued' AND campaign_id IS NOT NULL`).run();
  return { h, clock, admin, dispatch, recipients, campaign, message, carrierTook };
}

const refusedWith = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return `${err.status} ${err.key}`;
    throw err;
  }
  return 'ok';
};

test('quiet hours: a 07:30 recipient waits until 08:00; a number that may be in several zones waits for all of them', async (t) => {
  const w = await frozenApp(t, Date.parse('2026-01-15T12:30:00Z')); // 07:30 in New York, 04:30 in Los Angeles
  const east = nextCustomer();
  const both = nextCustomer();
  const c1 = buildCampaign(w.h, { phones: [east], zones: 'America/New_York' });
  const c2 = buildCampaign(w.h, { phones: [both], zones: 'America/New_York|America/Los_Angeles' });
  const first = w.dispatch();
  assert.equal(first.queued, 0);
  assert.equal(w.recipients(c1.id)[0]!.notBefore, Date.parse('2026-01-15T13:00:00Z'), 'New York at 08:00');
  assert.equal(w.recipients(c2.id)[0]!.notBefore, Date.parse('2026-01-15T16:00:00Z'), 'Los Angeles at 08:00');
  assert.equal(first.wakeAt, Date.parse('2026-01-15T13:00:00Z'), 'the dispatcher wakes for the first of them');

  w.clock.at = Date.parse('2026-01-15T13:00:00Z');
  assert.equal(w.dispatch().queued, 1);
  assert.equal(w.recipients(c1.id)[0]!.state, 'queued');
  assert.equal(w.recipients(c2.id)[0]!.state, 'pending');
  assert.equal(w.campaign(c1.id).state, 'sending', 'nobody left, but its text is still in the outbox');
  w.carrierTook();
  w.dispatch();
  assert.equal(w.campaign(c1.id).state, 'done', 'nobody left and the carrier took everything: done');
  w.clock.at = Date.parse('2026-01-15T16:00:00Z');
  assert.equal(w.dispatch().queued, 1);
  assert.equal(w.recipients(c2.id)[0]!.state, 'queued');
});

test("quiet hours follow the contact's zone as it is when the text goes, not as it was when they were added", async (t) => {
  const w = await frozenApp(t, Date.parse('2026-01-15T13:30:00Z')); // 08:30 in New York, 22:30 in Tokyo
  const ada = buildContact(w.h, { name: 'Ada', phones: ['+12125550101'] });
  const ben = buildContact(w.h, { name: 'Ben', phones: ['+12125550102'] });
  const c = buildCampaign(w.h, { phones: ['+12125550101', '+12125550102'], zones: 'America/New_York' });
  const link = w.h.sqlite.prepare('UPDATE campaign_recipients SET contact_id = ? WHERE phone = ?');
  link.run(ada.id, '+12125550101');
  link.run(ben.id, '+12125550102');
  // Since they were added, Ada's zone was set to Tokyo; Ben's, Tokyo then, was cleared (his number says New York).
  w.h.sqlite.prepare(`UPDATE contacts SET time_zone = 'Asia/Tokyo' WHERE id = ?`).run(ada.id);
  w.h.sqlite.prepare(`UPDATE campaign_recipients SET zones = 'Asia/Tokyo' WHERE phone = ?`).run('+12125550102');
  assert.equal(w.dispatch().queued, 1);
  assert.deepEqual(
    w.recipients(c.id).map((r) => [r.phone, r.state, r.notBefore]),
    [
      ['+12125550101', 'pending', Date.parse('2026-01-15T23:00:00Z')],
      ['+12125550102', 'queued', null],
    ],
    'Ada waits for 08:00 in Tokyo',
  );
});

test('at most max_per_contact_per_day campaign texts to a phone in 24 hours; the next waits for the oldest to age out', async (t) => {
  const w = await frozenApp(t);
  const phone = nextCustomer();
  const number = buildNumber(w.h);
  const campaigns = [0, 1, 2, 3].map(() => buildCampaign(w.h, { number, phones: [phone] }));
  assert.equal(w.dispatch().queued, 3);
  const fourth = w.recipients(campaigns[3]!.id)[0]!;
  assert.equal(fourth.state, 'pending');
  assert.equal(fourth.notBefore, NOON_UTC + 86_400_000);
  w.clock.at = NOON_UTC + 86_400_000;
  assert.equal(w.dispatch().queued, 1);
  assert.equal(w.recipients(campaigns[3]!.id)[0]!.state, 'queued');
});

test('one text per recipient, in their conversation (a new one closed), filled, the footer on the first from the number only', async (t) => {
  const w = await frozenApp(t);
  const number = buildNumber(w.h);
  const returning = nextCustomer();
  const { conversationId: existing } = receiveText(w.h, { to: number, text: 'Hi', from: returning });
  const fresh = nextCustomer();
  const c = buildCampaign(w.h, {
    number,
    phones: [returning, fresh],
    body: 'Hello {{name}}, sale today',
    vars: [{ name: 'Ann' }, { name: 'Bo' }],
  });
  assert.equal(w.dispatch(1).queued, 1, 'the budget is kept');
  assert.equal(w.dispatch(5).queued, 1);
  assert.equal(w.dispatch(5).queued, 0, 'nobody twice');
  const [a, b] = w.recipients(c.id);
  assert.equal(a!.conversationId, existing, 'the conversation with the phone is continued');
  const conv = w.h.sqlite.prepare('SELECT status FROM conversations WHERE id = ?').get(b!.conversationId) as {
    status: string;
  };
  assert.equal(conv.status, 'closed', 'a new conversation starts closed');
  assert.equal(w.message(a!.messageId!).body, 'Hello Ann, sale today\n\nReply STOP to opt out');
  assert.equal(w.message(a!.messageId!).campaign_id, c.id);
  assert.equal(w.message(a!.messageId!).author_user_id, null, 'automatic');
  const again = buildCampaign(w.h, { number, phones: [fresh], body: 'Second' });
  w.dispatch();
  assert.equal(w.message(w.recipients(again.id)[0]!.messageId!).body, 'Second', 'no footer the second time');
});

test('start: refused in place for each missing piece; skips opted-out and recently texted phones; tags and audits', async (t) => {
  const w = await frozenApp(t);
  const number = buildNumber(w.h);
  const [optedOut, recent, fine] = [nextCustomer(), nextCustomer(), nextCustomer()];
  const { conversationId } = receiveText(w.h, { to: number, text: 'STOP', from: optedOut });
  assert.ok(conversationId);
  buildCampaign(w.h, { number, phones: [recent] });
  w.dispatch();
  const c = buildCampaign(w.h, { number, phones: [optedOut, recent, fine], state: 'draft', body: 'Hi {{code}}' });
  const start = (over: Partial<Parameters<typeof startCampaign>[4]> = {}) =>
    refusedWith(() =>
      startCampaign(w.h.app.domain, w.admin.actor, settings, c.id, {
        version: w.campaign(c.id).version,
        sendAt: null,
        ratePerMinute: 60,
        maxRatePerMinute: 600,
        linkAddress: true,
        ...over,
      }),
    );
  assert.equal(start(), '422 campaign.unknown_placeholder');
  w.h.sqlite.prepare(`UPDATE campaigns SET body = '  ' WHERE id = ?`).run(c.id);
  assert.equal(start(), '422 campaign.body_empty');
  w.h.sqlite.prepare(`UPDATE campaigns SET body = 'Sale!' WHERE id = ?`).run(c.id);
  assert.equal(start({ ratePerMinute: 601 }), '422 campaign.rate_invalid');
  assert.equal(start({ ratePerMinute: 0 }), '422 campaign.rate_invalid');
  assert.equal(start({ sendAt: NOON_UTC - 120_000 }), '422 campaign.send_at_past');
  assert.equal(start({ version: 99 }), '409 campaign.stale');
  // Short links and files sent as a link are built on server.public_url: without it the start is refused.
  const set = (assignments: string) => w.h.sqlite.prepare(`UPDATE campaigns SET ${assignments} WHERE id = ?`).run(c.id);
  set(`body = 'Sale! https://shop.example/sale', track_links = 1`);
  assert.equal(start({ linkAddress: false }), '422 campaign.public_url_missing', 'a link to track');
  set(`track_links = 0`);
  w.h.sqlite
    .prepare(
      `INSERT INTO campaign_files (campaign_id, seq, sha256, content_type, kind, filename, size, meta)
       VALUES (?, 0, 'ab', 'image/png', 'image', 'sale.png', 10, '{}')`,
    )
    .run(c.id);
  w.h.sqlite.prepare(`UPDATE numbers SET media_route = 'link' WHERE id = ?`).run(number.id);
  assert.equal(start({ linkAddress: false }), '422 campaign.public_url_missing', 'files sent as a link');
  w.h.sqlite.prepare(`DELETE FROM campaign_files WHERE campaign_id = ?`).run(c.id);
  // A link that a CSV column the text names brings to a recipient still to be texted.
  set(`body = 'Your coupon: {{code}}', track_links = 1, variables = '["code"]'`);
  const code = w.h.sqlite.prepare(`UPDATE campaign_recipients SET vars = ? WHERE campaign_id = ? AND phone = ?`);
  code.run('{"code":"AB12"}', c.id, fine);
  const next = start({ linkAddress: false, ratePerMinute: 0 });
  assert.equal(next, '422 campaign.rate_invalid', 'no link in it: on to the next check');
  code.run('{"code":"HTTPS://shop.example/c/AB12"}', c.id, fine);
  assert.equal(start({ linkAddress: false }), '422 campaign.public_url_missing', 'a link from a CSV column');
  set(`body = 'Sale!', track_links = 0, variables = '[]'`);
  const agent = await buildUser(w.h, { role: 'agent' });
  assert.notEqual(
    refusedWith(() =>
      startCampaign(w.h.app.domain, agent.actor, settings, c.id, {
        version: 0,
        sendAt: null,
        ratePerMinute: 60,
        maxRatePerMinute: 600,
        linkAddress: true,
      }),
    ),
    'ok',
  );
  assert.equal(start({ sendAt: NOON_UTC + 3_600_000 }), 'ok');
  const row = w.campaign(c.id);
  assert.equal(row.state, 'scheduled');
  assert.deepEqual(
    w.recipients(c.id).map((r) => [r.state, r.skip]),
    [
      ['skipped', 'opted_out'],
      ['skipped', 'recent'],
      ['pending', null],
    ],
  );
  const tag = w.h.sqlite.prepare('SELECT name FROM tags WHERE id = ?').get(row.tag_id) as { name: string };
  assert.match(tag.name, /^Campaign: /);
  const audit = w.h.sqlite.prepare(`SELECT action FROM audit_log WHERE action LIKE 'campaign.%'`).pluck().all();
  assert.deepEqual(audit, ['campaign.scheduled']);
  assert.equal(start(), '409 campaign.not_draft');

  assert.equal(w.dispatch().queued, 0, 'not before its time');
  w.clock.at = NOON_UTC + 3_600_000;
  assert.equal(w.dispatch().queued, 1);
  w.carrierTook();
  w.dispatch();
  assert.equal(w.campaign(c.id).state, 'done');

  const empty = buildCampaign(w.h, { number, phones: [optedOut], state: 'draft', body: 'x' });
  assert.equal(
    refusedWith(() =>
      startCampaign(w.h.app.domain, w.admin.actor, settings, empty.id, {
        version: 0,
        sendAt: null,
        ratePerMinute: 60,
        maxRatePerMinute: 600,
        linkAddress: true,
      }),
    ),
    '422 campaign.no_recipients',
  );
});

test('pause holds, resume releases, cancel ends: each idempotent, audited once', async (t) => {
  const w = await frozenApp(t);
  const c = buildCampaign(w.h, { phones: [nextCustomer(), nextCustomer(), nextCustomer()] });
  w.dispatch(1);
  const queuedId = w.recipients(c.id)[0]!.messageId!;
  const domain = w.h.app.domain;
  pauseCampaign(domain, w.admin.actor, c.id);
  pauseCampaign(domain, w.admin.actor, c.id);
  assert.equal(w.campaign(c.id).state, 'paused');
  assert.equal(w.campaign(c.id).paused_reason, 'manual');
  assert.equal(w.message(queuedId).next_attempt_at, HELD, 'its queued text is held');
  assert.equal(w.dispatch().queued, 0, 'nothing queued while paused');
  resumeCampaign(domain, w.admin.actor, c.id);
  resumeCampaign(domain, w.admin.actor, c.id);
  assert.equal(w.campaign(c.id).state, 'sending');
  assert.equal(w.message(queuedId).next_attempt_at, NOON_UTC, 'due again');
  w.dispatch(1);
  cancelCampaign(domain, w.admin.actor, c.id);
  cancelCampaign(domain, w.admin.actor, c.id);
  assert.equal(w.campaign(c.id).state, 'cancelled');
  assert.deepEqual(
    w.recipients(c.id).map((r) => [r.state, r.skip]),
    [
      ['queued', null],
      ['queued', null],
      ['skipped', 'cancelled'],
    ],
  );
  assert.equal(w.message(queuedId).status, 'failed');
  assert.equal(w.message(queuedId).error_code, 'cancelled');
  assert.equal(
    refusedWith(() => resumeCampaign(domain, w.admin.actor, c.id)),
    '409 campaign.finished',
  );
  assert.equal(
    refusedWith(() => pauseCampaign(domain, w.admin.actor, c.id)),
    '409 campaign.finished',
  );
  const audit = w.h.sqlite
    .prepare(`SELECT action FROM audit_log WHERE action LIKE 'campaign.%' ORDER BY id`)
    .pluck()
    .all();
  assert.deepEqual(audit, ['campaign.paused', 'campaign.resumed', 'campaign.cancelled']);
  const agent = await buildUser(w.h, { role: 'agent' });
  assert.notEqual(
    refusedWith(() => pauseCampaign(domain, agent.actor, c.id)),
    'ok',
    'agents may not',
  );
});

test('STOP or an opt-out by hand mid-campaign: nothing more goes to that phone; a reply is counted and tagged', async (t) => {
  const w = await frozenApp(t);
  const number = buildNumber(w.h);
  const [stopper, byHand, replier, later] = [nextCustomer(), nextCustomer(), nextCustomer(), nextCustomer()];
  const c = buildCampaign(w.h, { number, phones: [stopper, byHand, replier, later], state: 'draft', body: 'Sale' });
  startCampaign(w.h.app.domain, w.admin.actor, settings, c.id, {
    version: 0,
    sendAt: null,
    ratePerMinute: 60,
    maxRatePerMinute: 600,
    linkAddress: true,
  });
  w.dispatch(3);
  const changed: number[] = [];
  w.h.app.domain.events.on('campaign.changed', ({ campaignId }) => changed.push(campaignId));
  const [s, h, r] = w.recipients(c.id);
  receiveText(w.h, { to: number, text: 'STOP', from: stopper });
  unsubscribeByHand(w.h.app.domain, w.admin.actor, h!.conversationId!);
  receiveText(w.h, { to: number, text: 'Interested!', from: replier });
  receiveText(w.h, { to: number, text: 'STOP', from: later });
  assert.ok(changed.includes(c.id), 'announced');
  assert.equal(w.message(s!.messageId!).status, 'failed');
  assert.equal(w.message(s!.messageId!).error_code, 'opted_out');
  assert.equal(w.message(h!.messageId!).error_code, 'opted_out');
  assert.equal(w.message(r!.messageId!).status, 'queued', "the replier's text is not touched");
  assert.equal(w.recipients(c.id)[3]!.skip, 'opted_out', 'a pending one is skipped');
  assert.equal(w.dispatch().queued, 0);
  const tags = w.h.sqlite
    .prepare('SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = ?')
    .pluck()
    .all(r!.conversationId);
  assert.deepEqual(tags, [`Campaign: ${w.campaign(c.id).name as string}`]);

  const progress = campaignProgress(w.h.app.domain, w.admin.actor, c.id);
  assert.equal(progress.total, 4);
  assert.equal(progress.replied, 1);
  assert.equal(progress.optedOut, 3);
  assert.equal(progress.failed, 2);
  assert.equal(progress.queued, 1);
  assert.equal(progress.skipped.opted_out, 1);
  assert.deepEqual(
    progress.failures.map((f) => [f.code, f.count]),
    [['opted_out', 2]],
  );
  const pageOne = recipientsPage(w.h.app.domain, w.admin.actor, c.id, { limit: 3 });
  assert.equal(pageOne.rows.length, 3);
  const pageTwo = recipientsPage(w.h.app.domain, w.admin.actor, c.id, { after: pageOne.next!, limit: 3 });
  assert.deepEqual(
    pageTwo.rows.map((row) => row.phone),
    [later],
  );
  assert.equal(pageTwo.next, null);
  assert.equal([...reportRows(w.h.app.domain, w.admin.actor, c.id)].length, 4);
});

test('a carrier pause ends by itself at its resume time: the campaign sends again and its held texts are due', async (t) => {
  const w = await frozenApp(t);
  const c = buildCampaign(w.h, { phones: [nextCustomer(), nextCustomer()] });
  w.dispatch(1);
  const held = w.recipients(c.id)[0]!.messageId!;
  const resumeAt = NOON_UTC + settings.throttlePauseMs;
  w.h.sqlite
    .prepare(`UPDATE campaigns SET state = 'paused', paused_reason = 'carrier_throttle', resume_at = ? WHERE id = ?`)
    .run(resumeAt, c.id);
  w.h.sqlite.prepare('UPDATE messages SET next_attempt_at = ? WHERE id = ?').run(resumeAt, held);
  const before = w.dispatch();
  assert.equal(before.queued, 0, 'nothing queued while the carrier pause lasts');
  assert.equal(before.wakeAt, resumeAt, 'the dispatcher wakes at the resume time');
  w.clock.at = resumeAt;
  assert.equal(w.dispatch().queued, 1);
  assert.equal(w.campaign(c.id).state, 'sending', 'its texts still wait for the carrier');
  assert.equal(w.campaign(c.id).paused_reason, null);
  assert.equal(w.message(held).next_attempt_at, resumeAt);
  assert.equal(w.message(held).status, 'queued', 'the held text goes once, as it is');
  w.carrierTook();
  w.dispatch();
  assert.equal(w.campaign(c.id).state, 'done');
});

test("a reply to a campaign text is welcomed like a new conversation: the inbox's round-robin assigns it", async (t) => {
  const w = await frozenApp(t);
  const agent = await buildUser(w.h, { name: 'Aino' });
  const inbox = buildInbox(w.h, { name: 'Offers', members: [agent] });
  const number = buildNumber(w.h, { inbox: 'Offers' });
  setAvailability(w.h.app.domain, agent.actor, 'available');
  setAutoAssign(w.h.app.domain, w.admin.actor, inbox.id, { enabled: true, maxOpen: '' });
  const [replier, silent] = [nextCustomer(), nextCustomer()];
  const c = buildCampaign(w.h, { number, phones: [replier, silent], state: 'draft', body: 'Sale' });
  startCampaign(w.h.app.domain, w.admin.actor, settings, c.id, {
    version: 0,
    sendAt: null,
    ratePerMinute: 60,
    maxRatePerMinute: 600,
    linkAddress: true,
  });
  w.dispatch();
  const welcomed: number[] = [];
  w.h.app.domain.events.on('conversation.welcomed', ({ conversationId }) => welcomed.push(conversationId));
  const [r, s] = w.recipients(c.id);
  receiveText(w.h, { to: number, text: 'Yes please', from: replier });
  const conversation = (id: number) =>
    w.h.sqlite.prepare('SELECT status, assignee_id AS assigneeId FROM conversations WHERE id = ?').get(id) as {
      status: string;
      assigneeId: number | null;
    };
  assert.deepEqual(conversation(r!.conversationId!), { status: 'open', assigneeId: agent.id });
  assert.deepEqual(welcomed, [r!.conversationId]);
  assert.deepEqual(conversation(s!.conversationId!), { status: 'closed', assigneeId: null }, 'no reply: stays closed');
  receiveText(w.h, { to: number, text: 'And again', from: replier });
  assert.deepEqual(welcomed, [r!.conversationId], 'welcomed once');
});
