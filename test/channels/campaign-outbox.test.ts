import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { createSmppChannel } from '../../src/channels/smpp/channel.ts';
import { campaignSettingsOf } from '../../src/domain/campaigns/settings.ts';
import { configSchema } from '../../src/config/schema.ts';
import { insertOutbound, queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildCampaign, buildConversation, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp, until } from '../helper.ts';
import { carrierSmsc, smppConfig, wireChannel } from './wiring.ts';

const log = pino({ level: 'silent' });
const settings = campaignSettingsOf(configSchema.parse({ campaigns: { daily_cap_codes: ['0x45'] } }));

/** A campaign of `n` recipients with their messages queued (as dispatch leaves them), sent over a real SMPP peer. */
async function queuedCampaign(t: import('node:test').TestContext, n: number) {
  const h = await buildTestApp();
  // The texts are queued here, as dispatch would: the app's own dispatcher would finish the campaign meanwhile.
  await h.app.campaigns.stop();
  const { smsc } = await carrierSmsc(t, 20);
  const number = buildNumber(h, { smpp: 'carrier' });
  const campaign = buildCampaign(h, { number, phones: [] });
  const messageIds = Array.from({ length: n }, (_, i) => {
    const { id: conversationId, phone } = buildConversation(h, { number });
    return h.app.domain.db.transaction((tx) => {
      const id = insertOutbound(tx, conversationId, `Offer ${i}`, null, h.app.domain.now(), {
        campaignId: campaign.id,
      });
      return { id, phone };
    });
  });
  let shift = 0;
  const realNow = h.app.domain.now;
  h.app.domain.now = () => realNow() + shift;
  const channel = createSmppChannel(smppConfig(smsc.port, { systemId: 'acme', password: 'pw' }), log);
  const loop = wireChannel(h, channel, { campaignSettings: () => settings });
  t.after(async () => {
    await loop.stop();
    await channel.stop();
    await h.close();
  });
  const row = (id: number) =>
    h.sqlite
      .prepare('SELECT status, attempts, next_attempt_at AS at, error_code AS code FROM messages WHERE id = ?')
      .get(id) as { status: string; attempts: number; at: number; code: string | null };
  const state = () =>
    h.sqlite
      .prepare('SELECT state, paused_reason AS reason, resume_at AS resumeAt FROM campaigns WHERE id = ?')
      .get(campaign.id) as { state: string; reason: string | null; resumeAt: number | null };
  return { h, smsc, number, campaign, messageIds, loop, row, state, advance: (ms: number) => (shift += ms) };
}

test("a carrier's throttling answer (0x58) pauses the campaign and its queued texts; they go once at resume time, each once", async (t) => {
  const w = await queuedCampaign(t, 3);
  const changed: number[] = [];
  w.h.app.domain.events.on('campaign.changed', ({ campaignId }) => changed.push(campaignId));
  w.smsc.failNext(1, 0x58);
  const before = w.h.app.domain.now();
  w.loop.start();
  await until(() => w.state().state === 'paused' || undefined, 'the campaign paused');
  const paused = w.state();
  assert.equal(paused.reason, 'carrier_throttle');
  assert.ok(paused.resumeAt! >= before + settings.throttlePauseMs, 'paused for throttle_pause_minutes');
  assert.ok(changed.includes(w.campaign.id), 'campaign.changed announced');
  const refused = w.messageIds
    .map(({ id }) => w.row(id))
    .find((r) => r.status === 'queued' && r.at >= paused.resumeAt!);
  assert.ok(refused, 'the refused text waits for the resume time');
  assert.equal(refused.attempts, 0, 'the refusal is not counted as an attempt');
  assert.equal(refused.code, null, 'nor shown as an error');

  // The texts in flight when the carrier refused finish (their leases must not run out under the moved clock).
  await until(
    () => w.messageIds.filter(({ id }) => w.row(id).status === 'queued').length === 1 || undefined,
    'in flight',
  );
  // At the resume time, everything still queued goes, and nobody gets a text twice.
  w.advance(settings.throttlePauseMs + 1_000);
  w.loop.wake();
  await until(() => w.messageIds.every(({ id }) => w.row(id).status !== 'queued') || undefined, 'all sent');
  const accepted = w.smsc.received.filter((m) => m.messageId !== null).map((m) => m.destAddr);
  for (const { phone } of w.messageIds)
    assert.equal(accepted.filter((to) => `+${to.replace(/^\+/, '')}` === phone).length, 1, `${phone} got one text`);
  assert.ok(
    w.messageIds.every(({ id }) => ['sent', 'delivered'].includes(w.row(id).status)),
    'none failed',
  );
});

test('a daily-cap code pauses for daily_cap_pause_hours; a reply refused the same way retries as before', async (t) => {
  const w = await queuedCampaign(t, 1);
  const agent = await buildUser(w.h, { role: 'admin' });
  const { id: conversationId } = buildConversation(w.h, { number: w.number });
  w.smsc.failNext(1, 0x45);
  const before = w.h.app.domain.now();
  w.loop.start();
  await until(() => w.state().state === 'paused' || undefined, 'the campaign paused');
  assert.equal(w.state().reason, 'carrier_daily_cap');
  assert.ok(w.state().resumeAt! >= before + settings.dailyCapPauseMs);

  w.smsc.failNext(1, 0x58);
  const { messageId: replyId } = queueReply(w.h.app.domain, agent.actor, conversationId, 'Hi there');
  w.loop.wake();
  await until(() => w.row(replyId).attempts === 1 || undefined, 'the reply tried');
  const r = w.row(replyId);
  assert.equal(r.code, '0x58', "a reply's throttling is its own retry, shown as before");
  assert.equal(w.state().reason, 'carrier_daily_cap', 'and does not touch the campaign');
});
