import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../../src/config/schema.ts';
import { campaigns } from '../../../src/db/schema/campaigns.ts';
import { campaignSettingsOf } from '../../../src/domain/campaigns/settings.ts';
import {
  campaignNumbers,
  createCampaign,
  getCampaign,
  listCampaigns,
  maxRatePerMinute,
  updateDraft,
} from '../../../src/domain/campaigns/service.ts';
import type { Upload } from '../../../src/domain/media/attachments.ts';
import { sweepMedia } from '../../../src/domain/media/store.ts';
import { buildNumber } from '../../factories.ts';
import { refusal } from '../../helper.ts';
import { campaignWorld } from './world.ts';
import { png } from '../../fixtures/media.ts';

const settings = campaignSettingsOf(configSchema.parse({ campaigns: { business_name: 'Corner Shop' } }));

test('a manager creates a draft from a number of their inbox; the footer comes from the settings', async (t) => {
  const { w, ctx, manager, agent, otherManager, admin, number, inbox } = await campaignWorld(t);
  const pending = buildNumber(w, { inbox, registration: 'pending' });
  const wa = buildNumber(w, { inbox, whatsapp: 'meta' });
  buildNumber(w, { inbox, whatsapp: 'meta', registration: 'pending' });
  assert.deepEqual(
    campaignNumbers(ctx, manager.actor)
      .map((n) => [n.id, n.kind])
      .sort(),
    [
      [number.id, 'sms'],
      [wa.id, 'whatsapp'],
    ].sort(),
    'registered SMS and WhatsApp numbers only (a WhatsApp campaign sends a template)',
  );
  assert.deepEqual(campaignNumbers(ctx, agent.actor), []);
  assert.deepEqual(campaignNumbers(ctx, otherManager.actor), []);
  assert.ok(campaignNumbers(ctx, admin.actor).some((n) => n.id === number.id));

  const { id } = createCampaign(ctx, manager.actor, settings, { name: '  Spring   sale ', numberId: number.id });
  const view = getCampaign(ctx, agent.actor, id);
  assert.equal(view.name, 'Spring sale');
  assert.equal(view.state, 'draft');
  assert.equal(view.footer, 'Corner Shop: Reply STOP to opt out');
  assert.equal(view.footerWarning, false);
  assert.equal(view.ratePerMinute, 60);
  assert.equal(view.mayManage, false, 'agents read only');
  assert.equal(getCampaign(ctx, manager.actor, id).mayManage, true);

  assert.equal(
    refusal(() => createCampaign(ctx, manager.actor, settings, { name: 'x', numberId: pending.id })),
    '422 campaign.number_invalid',
  );
  assert.equal(
    refusal(() => createCampaign(ctx, manager.actor, settings, { name: ' ', numberId: number.id })),
    '422 campaign.name_invalid',
  );
  assert.equal(
    refusal(() => createCampaign(ctx, agent.actor, settings, { name: 'x', numberId: number.id })),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => createCampaign(ctx, otherManager.actor, settings, { name: 'x', numberId: number.id })),
    '422 campaign.number_invalid',
  );
  assert.equal(
    refusal(() => getCampaign(ctx, otherManager.actor, id)),
    '404 error.not_found',
  );

  assert.deepEqual(
    listCampaigns(ctx, agent.actor).map((c) => [c.name, c.state, c.recipients]),
    [['Spring sale', 'draft', 0]],
  );
  assert.deepEqual(listCampaigns(ctx, otherManager.actor), []);
});

test('updateDraft checks each field, refuses a stale version, and bumps it; events after commit', async (t) => {
  const { ctx, manager, agent, otherManager, number } = await campaignWorld(t);
  const events: unknown[] = [];
  ctx.events.on('campaign.changed', (e) => events.push(e));
  const { id } = createCampaign(ctx, manager.actor, settings, { name: 'Sale', numberId: number.id });
  updateDraft(ctx, manager.actor, id, {
    version: 0,
    body: 'Hi {{contact.first_name}}!\r\nSale today.',
    footer: 'Reply  STOP',
    ratePerMinute: '120',
    trackLinks: true,
  });
  const view = getCampaign(ctx, manager.actor, id);
  assert.equal(view.body, 'Hi {{contact.first_name}}!\nSale today.');
  assert.equal(view.footer, 'Reply STOP');
  assert.equal(view.ratePerMinute, 120);
  assert.equal(view.trackLinks, true);
  assert.equal(view.version, 1);
  assert.deepEqual(events, [
    { campaignId: id, inboxId: number.inboxId },
    { campaignId: id, inboxId: number.inboxId },
  ]);

  const update = (input: Parameters<typeof updateDraft>[3], actor = manager.actor) =>
    refusal(() => updateDraft(ctx, actor, id, input));
  assert.equal(update({ version: 0, name: 'Late' }), '409 campaign.stale');
  assert.equal(update({ version: 1, body: 'Hi {{shoe_size}}' }), '422 campaign.unknown_placeholder');
  assert.equal(update({ version: 1, body: 'x'.repeat(5000) }), '422 campaign.body_too_long');
  assert.equal(update({ version: 1, footer: 'x'.repeat(161) }), '422 campaign.footer_too_long');
  assert.equal(update({ version: 1, ratePerMinute: 0 }), '422 campaign.rate_invalid');
  assert.equal(update({ version: 1, ratePerMinute: '1.5' }), '422 campaign.rate_invalid');
  assert.equal(update({ version: 1, name: 'x' }, agent.actor), '403 error.forbidden');
  assert.equal(update({ version: 1, name: 'x' }, otherManager.actor), '404 error.not_found');
  assert.equal(getCampaign(ctx, manager.actor, id).version, 1, 'refusals changed nothing');

  updateDraft(ctx, manager.actor, id, { version: 1, footer: '' });
  assert.equal(getCampaign(ctx, manager.actor, id).footerWarning, true, 'an emptied footer warns');

  ctx.db.update(campaigns).set({ state: 'sending' }).where(eq(campaigns.id, id)).run();
  assert.equal(update({ version: 2, name: 'x' }), '409 campaign.not_draft');
});

test('the rate ceiling: the share of the slower limit, per minute; none at all: 600', () => {
  assert.equal(maxRatePerMinute(settings, { number: 0, connection: 0 }), 600);
  assert.equal(maxRatePerMinute(settings, { number: 10, connection: 20 }), 480);
  assert.equal(maxRatePerMinute(settings, { number: 0, connection: 5 }), 240);
  assert.equal(maxRatePerMinute(settings, { number: 0.01, connection: 0 }), 1);
});

test("a draft's files are checked against the number's limits, added to, removed one by one, and kept by the startup sweep", async (t) => {
  const { h, ctx, manager, number } = await campaignWorld(t);
  const media = h.app.media;
  const upload = (name: string, data: Buffer): Upload => ({
    filename: name,
    ...media.writeTmp(data),
    head: data.subarray(0, 512 * 1024),
    tooLarge: false,
  });
  const filesOf = () => getCampaign(ctx, manager.actor, id).files.map((f) => [f.seq, f.filename]);
  const { id } = createCampaign(ctx, manager.actor, settings, { name: 'Pics', numberId: number.id });
  const changeFiles = (files: { add: Upload[]; remove: number[] }, body?: string) =>
    updateDraft(ctx, manager.actor, id, {
      version: getCampaign(ctx, manager.actor, id).version,
      body,
      files: { media, ...files },
    });
  const first = upload('a.png', png(10, 20));
  changeFiles({ add: [first], remove: [] });
  assert.deepEqual(
    getCampaign(ctx, manager.actor, id).files.map((f) => [f.filename, f.contentType]),
    [['a.png', 'image/png']],
  );
  sweepMedia(ctx, media);
  assert.ok(existsSync(media.pathOf(first.sha256)), 'a draft file survives a restart');

  // The kept file counts towards the number's limit.
  const tooMany = Array.from({ length: number.maxAttachments }, (_, i) => upload(`${i}.png`, png(5, 5 + i)));
  assert.equal(
    refusal(() => changeFiles({ add: tooMany, remove: [] })),
    '422 media.too_many',
  );
  assert.deepEqual(filesOf(), [[0, 'a.png']], 'nothing changed');
  // The text and the files are one save: a refused text keeps the files out, and the other way round.
  const second0 = upload('b.png', png(30, 30));
  assert.equal(
    refusal(() => changeFiles({ add: [second0], remove: [0] }, 'Hi {{nobody}}')),
    '422 campaign.unknown_placeholder',
  );
  assert.deepEqual(filesOf(), [[0, 'a.png']], 'no file added or removed with a refused text');
  assert.equal(
    refusal(() => changeFiles({ add: tooMany, remove: [] }, 'A new text')),
    '422 media.too_many',
  );
  assert.notEqual(getCampaign(ctx, manager.actor, id).body, 'A new text', 'no text saved with refused files');

  const second = upload('b.png', png(30, 30));
  const third = upload('c.png', png(40, 30));
  changeFiles({ add: [second, third], remove: [] });
  assert.deepEqual(filesOf(), [
    [0, 'a.png'],
    [1, 'b.png'],
    [2, 'c.png'],
  ]);
  changeFiles({ add: [], remove: [0] });
  assert.deepEqual(
    filesOf(),
    [
      [0, 'b.png'],
      [1, 'c.png'],
    ],
    'the one ticked goes, the others move up',
  );
  assert.ok(!existsSync(media.pathOf(first.sha256)), 'the removed file is gone');
  changeFiles({ add: [], remove: [0, 1] });
  assert.deepEqual(getCampaign(ctx, manager.actor, id).files, []);
});
