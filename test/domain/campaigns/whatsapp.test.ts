import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { configSchema } from '../../../src/config/schema.ts';
import { dispatchDue } from '../../../src/domain/campaigns/dispatch.ts';
import { startCampaign } from '../../../src/domain/campaigns/lifecycle.ts';
import { previewOf } from '../../../src/domain/campaigns/message.ts';
import { campaignNumbers, createCampaign, updateDraft } from '../../../src/domain/campaigns/service.ts';
import { campaignSettingsOf } from '../../../src/domain/campaigns/settings.ts';
import { DomainError } from '../../../src/domain/errors.ts';
import { receiveMessage } from '../../../src/domain/messaging/inbound.ts';
import { storeTemplates } from '../../../src/domain/messaging/templates.ts';
import { defaultKeywordTexts } from '../../../src/domain/messaging/texts.ts';
import { buildCampaign, buildNumber, buildUser, nextCustomer } from '../../factories.ts';
import { buildTestApp } from '../../helper.ts';

const settings = campaignSettingsOf(configSchema.parse({}));
const CHANNEL = 'wa-main';
const PROMO = { name: 'spring_sale', language: 'en_US' };

/** A WhatsApp number with an approved two-variable template (and a pending one), an SMS number, an admin. */
async function waWorld(t: TestContext) {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.campaigns.stop();
  const ctx = h.app.domain;
  const admin = await buildUser(h, { role: 'admin' });
  const wa = buildNumber(h, { whatsapp: CHANNEL, inbox: 'Support' });
  const sms = buildNumber(h, { inbox: 'Support' });
  storeTemplates(ctx, CHANNEL, [
    { ...PROMO, status: 'APPROVED', category: 'MARKETING', body: 'Hi {{1}}, {{2}} off this week.' },
    { name: 'draft_one', language: 'en_US', status: 'PENDING', category: 'MARKETING', body: 'Soon {{1}}' },
  ]);
  const dispatch = () => dispatchDue(ctx, settings, ctx.now(), () => 1_000);
  const recipients = (id: number) =>
    h.sqlite
      .prepare(
        'SELECT phone, state, skip_reason AS skip, message_id AS messageId FROM campaign_recipients WHERE campaign_id = ? ORDER BY id',
      )
      .all(id) as { phone: string; state: string; skip: string | null; messageId: number | null }[];
  const message = (id: number) =>
    h.sqlite.prepare('SELECT body, content, campaign_id AS campaignId, status FROM messages WHERE id = ?').get(id) as {
      body: string;
      content: string;
      campaignId: number;
      status: string;
    };
  const version = (id: number) =>
    (h.sqlite.prepare('SELECT version FROM campaigns WHERE id = ?').get(id) as { version: number }).version;
  return { h, ctx, admin, wa, sms, dispatch, recipients, message, version };
}

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return `${err.status} ${err.key} ${err.field ?? ''}`.trim();
    throw err;
  }
  return 'ok';
};

test('a WhatsApp campaign queues its approved template with the variables filled per recipient, no footer', async (t) => {
  const w = await waWorld(t);
  const [ana, ben] = [nextCustomer(), nextCustomer()];
  const c = buildCampaign(w.h, {
    number: w.wa,
    phones: [ana, ben],
    vars: [
      { name: 'Ana Lima', discount: '20%' },
      { name: 'Ben', discount: '15%' },
    ],
    template: { ...PROMO, params: ['{{contact.first_name}}', '{{discount}}'] },
  });
  assert.equal(w.dispatch().queued, 2);
  const [a, b] = w.recipients(c.id);
  assert.equal(a!.state, 'queued');
  const first = w.message(a!.messageId!);
  assert.equal(first.body, 'Hi Ana, 20% off this week.', 'the timeline shows the filled text, without a footer');
  assert.deepEqual(JSON.parse(first.content), {
    template: { name: 'spring_sale', language: 'en_US', params: ['Ana', '20%'] },
  });
  assert.equal(first.campaignId, c.id);
  assert.deepEqual(JSON.parse(w.message(b!.messageId!).content), {
    template: { name: 'spring_sale', language: 'en_US', params: ['Ben', '15%'] },
  });
});

test('a recipient whose variable fills empty is skipped; one who opted out of the WhatsApp number is skipped', async (t) => {
  const w = await waWorld(t);
  const [named, nameless, stopped] = [nextCustomer(), nextCustomer(), nextCustomer()];
  const stop = receiveMessage(w.ctx, { from: stopped, to: w.wa.e164, text: 'STOP' }, () => defaultKeywordTexts);
  assert.ok(stop.stored);
  const c = buildCampaign(w.h, {
    number: w.wa,
    phones: [named, nameless, stopped],
    vars: [{ name: 'Ana', discount: '5%' }, { discount: '5%' }, { name: 'Cem', discount: '5%' }],
    template: { ...PROMO, params: ['{{contact.first_name}}', '{{discount}}'] },
  });
  assert.equal(w.dispatch().queued, 1);
  assert.deepEqual(
    w.recipients(c.id).map((r) => [r.state, r.skip]),
    [
      ['queued', null],
      ['skipped', 'missing_value'],
      ['skipped', 'opted_out'],
    ],
  );
  const conversations = w.h.sqlite.prepare('SELECT phone FROM conversations WHERE number_id = ?').all(w.wa.id);
  assert.deepEqual(
    conversations.map((c) => (c as { phone: string }).phone).sort(),
    [named, stopped].sort(),
    'no conversation is begun for a recipient who was skipped',
  );
  const contactOf = w.h.sqlite.prepare('SELECT contact_id FROM contact_phones WHERE phone = ?').pluck();
  assert.equal(contactOf.get(nameless), undefined, 'nor a contact');
  assert.ok(contactOf.get(named), 'the one texted is a contact now');
});

test('a template no longer approved when a recipient’s turn comes skips them instead of sending', async (t) => {
  const w = await waWorld(t);
  const c = buildCampaign(w.h, { number: w.wa, template: { ...PROMO, params: ['Friend', 'Half'] } });
  storeTemplates(w.ctx, CHANNEL, [{ ...PROMO, status: 'PAUSED', category: 'MARKETING', body: 'Hi {{1}}, {{2}}' }]);
  assert.equal(w.dispatch().queued, 0);
  assert.deepEqual(
    w.recipients(c.id).map((r) => r.skip),
    ['template_unapproved', 'template_unapproved'],
  );
});

test('drafting: WhatsApp numbers are offered; only an approved template of the number, placeholders known', async (t) => {
  const w = await waWorld(t);
  assert.deepEqual(
    campaignNumbers(w.ctx, w.admin.actor)
      .map((n) => [n.e164, n.kind])
      .sort(),
    [
      [w.sms.e164, 'sms'],
      [w.wa.e164, 'whatsapp'],
    ].sort(),
  );
  const { id } = createCampaign(w.ctx, w.admin.actor, settings, { name: 'Spring', numberId: w.wa.id });
  const save = (template: { name: string; language: string; params: unknown[] }) =>
    refusal(() => updateDraft(w.ctx, w.admin.actor, id, { version: w.version(id), template }));
  assert.equal(save({ name: 'draft_one', language: 'en_US', params: ['x'] }), '422 campaign.template_unknown template');
  assert.equal(
    save({ ...PROMO, params: ['{{contact.first_name}}', '{{nope}}'] }),
    '422 campaign.unknown_placeholder var2',
  );
  assert.equal(save({ ...PROMO, params: ['{{contact.first_name}}', ' 10%  ', 'extra'] }), 'ok');
  const row = w.h.sqlite.prepare('SELECT template FROM campaigns WHERE id = ?').get(id) as { template: string };
  assert.deepEqual(JSON.parse(row.template), { ...PROMO, params: ['{{contact.first_name}}', '10%'] });

  const smsDraft = createCampaign(w.ctx, w.admin.actor, settings, { name: 'Text', numberId: w.sms.id });
  assert.equal(
    refusal(() =>
      updateDraft(w.ctx, w.admin.actor, smsDraft.id, {
        version: w.version(smsDraft.id),
        template: { ...PROMO, params: [] },
      }),
    ),
    '422 campaign.template_not_whatsapp template',
  );
});

test('starting: refused without a template, with one no longer approved, or with a variable left empty', async (t) => {
  const w = await waWorld(t);
  const start = (id: number) =>
    refusal(() =>
      startCampaign(w.ctx, w.admin.actor, settings, id, {
        version: w.version(id),
        sendAt: null,
        ratePerMinute: 60,
        maxRatePerMinute: 600,
        linkAddress: true,
      }),
    );
  const none = buildCampaign(w.h, { number: w.wa, state: 'draft', body: '' });
  assert.equal(start(none.id), '422 campaign.template_missing template');
  const empty = buildCampaign(w.h, { number: w.wa, state: 'draft', template: { ...PROMO, params: ['Hi', ''] } });
  assert.equal(start(empty.id), '422 campaign.template_param_empty template');
  const ready = buildCampaign(w.h, {
    number: w.wa,
    state: 'draft',
    body: '',
    vars: [{ name: 'Ana' }, { name: 'Ben' }],
    template: { ...PROMO, params: ['{{contact.first_name}}', '10%'] },
  });
  const preview = previewOf(w.ctx, w.admin.actor, ready.id, 1);
  assert.equal(preview?.text, 'Hi Ben, 10% off this week.');
  assert.equal(preview?.whatsapp, true);
  storeTemplates(w.ctx, CHANNEL, [{ ...PROMO, status: 'REJECTED', category: 'MARKETING', body: 'Hi {{1}}, {{2}}' }]);
  assert.equal(start(ready.id), '422 campaign.template_unapproved template');
  storeTemplates(w.ctx, CHANNEL, [{ ...PROMO, status: 'APPROVED', category: 'MARKETING', body: 'Hi {{1}}, {{2}}' }]);
  assert.equal(start(ready.id), 'ok', 'an empty body does not matter on WhatsApp');
});
