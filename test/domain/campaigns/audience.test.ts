import assert from 'node:assert/strict';
import { eq } from 'drizzle-orm';
import { test } from 'node:test';
import { configSchema } from '../../../src/config/schema.ts';
import { campaignRecipients, campaigns } from '../../../src/db/schema/campaigns.ts';
import { contacts } from '../../../src/db/schema/contacts.ts';
import {
  addAudience,
  audienceCounts,
  clearAudience,
  rejectsOf,
  type AudienceSource,
} from '../../../src/domain/campaigns/audience.ts';
import { isFirstFromNumber, previewOf } from '../../../src/domain/campaigns/message.ts';
import { createCampaign, getCampaign, updateDraft } from '../../../src/domain/campaigns/service.ts';
import { campaignSettingsOf } from '../../../src/domain/campaigns/settings.ts';
import { addTag } from '../../../src/domain/tags/service.ts';
import { buildContact, buildConversation, buildInbox, buildNumber, receiveText } from '../../factories.ts';
import { refusal } from '../../helper.ts';
import { campaignWorld } from './world.ts';

const settings = campaignSettingsOf(
  configSchema.parse({ campaigns: { business_name: 'Corner Shop', max_csv_rows: 50 } }),
);
const csv = (text: string): AudienceSource => ({ kind: 'csv', filename: 'list.csv', content: Buffer.from(text) });

/** The campaign world with a draft campaign from the inbox's number. */
async function world(t: Parameters<typeof campaignWorld>[0]) {
  const c = await campaignWorld(t);
  const { id } = createCampaign(c.ctx, c.manager.actor, settings, { name: 'Spring sale', numberId: c.number.id });
  return { ...c, id };
}

test('tag and CSV merged; opted-out, invalid and recently texted phones are counted apart', async (t) => {
  const { w, ctx, manager, agent, number, id } = await world(t);
  // Three customers in conversations tagged VIP; one of them texts STOP; one is an untagged conversation.
  const vip = ['+15558100001', '+15558100002', '+15558100003'].map((from) => buildConversation(w, { number, from }));
  for (const c of vip) addTag(ctx, manager.actor, c.id, 'VIP');
  buildConversation(w, { number, from: '+15558100009' });
  receiveText(w, { to: number, from: '+15558100002', text: 'STOP' });
  const tagId = ctx.db.$client.prepare<[], number>(`SELECT id FROM tags WHERE name = 'VIP'`).pluck().get()!;

  assert.deepEqual(addAudience(ctx, manager.actor, settings, id, { kind: 'tag', tagId }), {
    added: 3,
    merged: 0,
    rejected: 0,
  });
  // The CSV repeats a VIP (merged, its columns fill in), repeats itself, has a national number (the campaign
  // number's country: US), a landline-less country's bad number, an empty phone and a name column.
  const added = addAudience(
    ctx,
    manager.actor,
    settings,
    id,
    csv(
      [
        'Name;Mobile;Order No.',
        'Ada;+1 555 810 0001;A-1',
        'Bob;(555) 810-0004;B-2',
        'Bob again;+15558100004;B-3',
        'Cy;12345;C-4',
        'Di;;D-5',
        'Ed;+15558100005;',
      ].join('\r\n'),
    ),
  );
  assert.deepEqual(added, { added: 2, merged: 2, rejected: 2 });
  assert.deepEqual(getCampaign(ctx, manager.actor, id).variables, ['name', 'order_no']);
  const rows = ctx.db
    .select({ phone: campaignRecipients.phone, vars: campaignRecipients.vars, zones: campaignRecipients.zones })
    .from(campaignRecipients)
    .where(eq(campaignRecipients.campaignId, id))
    .all();
  assert.deepEqual(
    rows.map((r) => [r.phone, r.vars]),
    [
      ['+15558100001', { name: 'Ada', order_no: 'A-1' }],
      ['+15558100002', null],
      ['+15558100003', null],
      ['+15558100004', { name: 'Bob', order_no: 'B-2' }],
      ['+15558100005', { name: 'Ed' }],
    ],
  );
  assert.ok(rows.every((r) => r.zones.length > 0));
  assert.deepEqual(rejectsOf(ctx, agent.actor, id, { limit: 10, offset: 0 }), {
    rows: [
      { source: 'csv', line: 5, raw: 'Cy, 12345, C-4', reason: 'campaign.reject.invalid' },
      { source: 'csv', line: 6, raw: 'Di, , D-5', reason: 'campaign.reject.empty' },
    ],
    total: 2,
  });

  // +15558100005 got a message from another campaign an hour ago.
  const other = createCampaign(ctx, manager.actor, settings, { name: 'Earlier', numberId: number.id });
  ctx.db
    .insert(campaignRecipients)
    .values({
      campaignId: other.id,
      phone: '+15558100005',
      zones: 'UTC',
      state: 'queued',
      queuedAt: Date.now() - 3_600_000,
    })
    .run();
  assert.deepEqual(audienceCounts(ctx, agent.actor, id), {
    total: 5,
    willReceive: 3,
    optedOut: 1,
    invalid: 2,
    recent: 1,
  });

  // Pasted numbers: one per line or separated by , and ;, the same rules.
  assert.deepEqual(
    addAudience(ctx, manager.actor, settings, id, {
      kind: 'pasted',
      text: '+15558100006, 555-810-0007;\n\nnot a number\n+15558100001',
    }),
    { added: 2, merged: 1, rejected: 1 },
  );
  assert.equal(audienceCounts(ctx, manager.actor, id).willReceive, 5);

  clearAudience(ctx, manager.actor, id);
  assert.deepEqual(audienceCounts(ctx, manager.actor, id), {
    total: 0,
    willReceive: 0,
    optedOut: 0,
    invalid: 0,
    recent: 0,
  });
  assert.deepEqual(getCampaign(ctx, manager.actor, id).variables, []);
});

test('a contact in the team book fills placeholders and sets the zone; the preview shows the footer first time', async (t) => {
  const { w, ctx, manager, agent, number, id } = await world(t);
  const ada = buildContact(w, { name: 'Ada Lovelace', phones: ['+15558200001'], company: 'Engines' });
  ctx.db.update(contacts).set({ timeZone: 'Europe/London' }).where(eq(contacts.id, ada.id)).run();
  addAudience(ctx, manager.actor, settings, id, csv('phone,size\n+15558200001,M\n+15558200002,L\n'));
  const row = ctx.db
    .select({ contactId: campaignRecipients.contactId, zones: campaignRecipients.zones })
    .from(campaignRecipients)
    .where(eq(campaignRecipients.phone, '+15558200001'))
    .get();
  assert.deepEqual(row, { contactId: ada.id, zones: 'Europe/London' });

  const version = getCampaign(ctx, manager.actor, id).version;
  updateDraft(ctx, manager.actor, id, {
    version,
    body: 'Hi {{contact.first_name}} from {{contact.company}}, size {{size}}',
  });
  const first = previewOf(ctx, agent.actor, id, 0)!;
  assert.equal(first.text, 'Hi Ada from Engines, size M\n\nCorner Shop: Reply STOP to opt out');
  assert.deepEqual(
    [first.index, first.total, first.name, first.encoding, first.segments],
    [0, 2, 'Ada Lovelace', 'gsm7', 1],
  );
  assert.equal(previewOf(ctx, agent.actor, id, 7)?.index, 1, 'clamped to the last');
  assert.equal(previewOf(ctx, agent.actor, id, 1)?.text, 'Hi  from , size L\n\nCorner Shop: Reply STOP to opt out');

  // Once a campaign message from this number went to Ada, the footer is left off.
  assert.equal(isFirstFromNumber(ctx.db, number.id, '+15558200001'), true);
  ctx.db.$client
    .prepare(`UPDATE campaign_recipients SET message_id = ? WHERE phone = '+15558200001'`)
    .run(buildConversation(w, { number, from: '+15558200001' }).messageIds[0]);
  assert.equal(isFirstFromNumber(ctx.db, number.id, '+15558200001'), false);
  assert.equal(previewOf(ctx, agent.actor, id, 0)?.text, 'Hi Ada from Engines, size M');

  // With "Track links" each link is shown, and counted, as long as the short link it goes as.
  updateDraft(ctx, manager.actor, id, {
    version: getCampaign(ctx, manager.actor, id).version,
    body: 'Hi {{contact.first_name}}: https://shop.example/sale/a-very-long-path?utm_source=sms',
    trackLinks: true,
  });
  const short = previewOf(ctx, agent.actor, id, 0, 'https://inbox.example.com/')!;
  assert.equal(short.text, `Hi Ada: https://inbox.example.com/l/${'x'.repeat(22)}`);
  assert.deepEqual([short.tracked, short.characters], ['short', 58]);
  const unbuilt = previewOf(ctx, agent.actor, id, 0)!;
  assert.deepEqual([unbuilt.tracked, unbuilt.text.endsWith('utm_source=sms')], ['no_address', true]);
  clearAudience(ctx, manager.actor, id);
  assert.equal(previewOf(ctx, agent.actor, id, 0), null, 'nobody to preview');
});

test('bad sources are refused in place and change nothing', async (t) => {
  const { ctx, manager, id } = await world(t);
  const add = (source: AudienceSource) => refusal(() => addAudience(ctx, manager.actor, settings, id, source));
  assert.equal(add(csv('name,city\nAda,London\n')), '422 campaign.csv_no_phone_column');
  assert.equal(add(csv('phone\n"+15558300001\n')), '422 campaign.csv_unclosed_quote');
  assert.equal(add(csv(`phone\n${'+15558300001\n'.repeat(51)}`)), '422 campaign.csv_too_many_rows');
  assert.equal(add({ kind: 'pasted', text: ' \n , ' }), '422 campaign.pasted_empty');
  assert.equal(add({ kind: 'tag', tagId: 999 }), '422 campaign.tag_unknown');
  assert.equal(add({ kind: 'filter', filter: { inboxId: 999 } }), '404 error.not_found');
  assert.deepEqual(audienceCounts(ctx, manager.actor, id).total, 0);
  // A phone column found by its values when no name says so.
  assert.deepEqual(
    addAudience(ctx, manager.actor, settings, id, csv('who,contact\nAda,+15558300001\nBob,+15558300002\n')),
    {
      added: 2,
      merged: 0,
      rejected: 0,
    },
  );
  assert.deepEqual(getCampaign(ctx, manager.actor, id).variables, ['who']);
  // German headers: "Nummer" names the phone column, though a "Kundennummer" comes first.
  assert.deepEqual(addAudience(ctx, manager.actor, settings, id, csv('Kundennummer;Nummer\n4711;(555) 830-0003\n')), {
    added: 1,
    merged: 0,
    rejected: 0,
  });
  assert.deepEqual(getCampaign(ctx, manager.actor, id).variables, ['who', 'kundennummer']);
});

test('rights: an agent cannot add an audience, a manager of another inbox does not see the campaign; drafts only', async (t) => {
  const { ctx, manager, agent, otherManager, id } = await world(t);
  const pasted: AudienceSource = { kind: 'pasted', text: '+15558400001' };
  assert.equal(
    refusal(() => addAudience(ctx, agent.actor, settings, id, pasted)),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => addAudience(ctx, otherManager.actor, settings, id, pasted)),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => audienceCounts(ctx, otherManager.actor, id)),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => clearAudience(ctx, agent.actor, id)),
    '403 error.forbidden',
  );
  ctx.db.update(campaigns).set({ state: 'sending' }).where(eq(campaigns.id, id)).run();
  assert.equal(
    refusal(() => addAudience(ctx, manager.actor, settings, id, pasted)),
    '409 campaign.not_draft',
  );
});

test('a filter takes the conversations the list would show: inbox, status', async (t) => {
  const { w, ctx, manager, number, id, inbox } = await world(t);
  buildConversation(w, { number, from: '+15558500001' });
  buildConversation(w, { number, from: '+15558500002' });
  const elsewhere = buildNumber(w, { inbox: buildInbox(w, { members: [manager] }) });
  buildConversation(w, { number: elsewhere, from: '+15558500003' });
  assert.deepEqual(
    addAudience(ctx, manager.actor, settings, id, { kind: 'filter', filter: { inboxId: inbox.id, status: 'open' } }),
    {
      added: 2,
      merged: 0,
      rejected: 0,
    },
  );
});
