/**
 * A WhatsApp campaign in the browser: the manager picks one of the number's approved templates and the variable
 * fields follow it (what was typed into Variable 1 survives a switch), previews it per recipient, sends it now, and
 * the texts reach the Graph API stand-in (which checks every request strictly) as that template, filled per recipient.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { startMessaging } from '../../src/channels/start.ts';
import { startGraphStandin, type MetaTemplate } from '../../src/channels/whatsapp/standin/server.ts';
import { buildContact, buildUser, staffInbox } from '../factories.ts';
import { WA_IDS, whatsappBlock } from '../fixtures/whatsapp.ts';
import { buildTestApp } from '../helper.ts';
import { browserFor, noChromium, pageFor, signIn, until } from './browser.ts';

const SHOP = '+15551230000';
const ANA = '+15550100201';
const BEN = '+15550100202';
const SECRETS = { accessToken: 'campaign-test-token', appSecret: 'campaign-test-secret' };

const bodyOnly = (name: string, category: string, text: string): MetaTemplate => ({
  name,
  language: 'en',
  status: 'APPROVED',
  category,
  components: [{ type: 'BODY', text }],
});
const ORDER_READY = bodyOnly('order_ready', 'UTILITY', 'Hi {{1}}, your order is ready for pickup.');
const SPRING_SALE = bodyOnly('spring_sale', 'MARKETING', 'Hello {{1}}, {{2}} is 20% off this week.');

/**
 * The app as `serve` runs it with a [[whatsapp]] block pointed at the Graph API stand-in (its two templates synced
 * at start), quiet hours out of the way; a manager of Marketing, which the WhatsApp number texts from, and two
 * customers known by name.
 */
async function world(t: TestContext) {
  const browser = await browserFor(t);
  const standin = await startGraphStandin({
    ...WA_IDS,
    displayPhoneNumber: SHOP,
    graphVersion: 'v26.0',
    ...SECRETS,
    templates: [ORDER_READY, SPRING_SALE],
    statuses: 'off',
  });
  const h = await buildTestApp({
    sandbox: { enabled: false },
    contacts: { default_country: 'US' },
    campaigns: { send_from: '00:00', send_until: '23:59', area_rules: [] },
    whatsapp: [whatsappBlock(standin.url, SECRETS)],
    number: [{ e164: SHOP, whatsapp: 'wa-main', inbox: 'Marketing', registration: 'not-required' }],
  });
  const messaging = await startMessaging(h.app, undefined, pino({ level: 'silent' }));
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  t.after(async () => {
    await messaging.stop();
    await h.close();
    await standin.close();
  });
  const { port } = h.app.server.address() as { port: number };
  const manager = await buildUser(h, { role: 'manager', name: 'Mia Manager' });
  staffInbox(h, 'Marketing', [manager]);
  buildContact(h, { name: 'Ana Lima', phones: [ANA], company: 'Lima Bakery' });
  buildContact(h, { name: 'Ben Okafor', phones: [BEN], company: 'Okafor Tools' });
  await until(
    () => h.sqlite.prepare(`SELECT count(*) FROM message_templates WHERE channel = 'wa-main'`).pluck().get() === 2,
    'both templates synced',
  );
  const page = await pageFor(t, browser, `http://127.0.0.1:${port}`);
  await signIn(page, manager.email);
  return { standin, page };
}

test(
  'a WhatsApp campaign: the variable fields follow the chosen template, and it reaches Meta filled per recipient',
  {
    skip: noChromium,
  },
  async (t) => {
    const { standin, page } = await world(t);

    await page.goto('/campaigns/new');
    await page.getByLabel('Campaign name').fill('Spring');
    await page.getByLabel('Send from').selectOption({ index: 0 });
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+\/edit$/);

    const audience = page.getByRole('region', { name: 'Audience', exact: true });
    await audience.getByLabel(/^Phone numbers/).fill(`${ANA}\n${BEN}`);
    await audience.getByRole('button', { name: 'Add numbers' }).click();
    await until(
      async () => (await audience.locator('[data-count="will-receive"]').textContent()) === '2',
      'two will receive',
    );

    // No template yet: no variables. The two-variable one brings its text and two fields, {{1}} the first name.
    const message = page.getByRole('region', { name: 'Message', exact: true });
    const template = message.getByLabel('Approved template');
    const variable = (n: number) => message.getByLabel(`Variable ${n}`, { exact: true });
    await message.getByText('Choose a template to see its text and fill its variables.').waitFor();
    assert.equal(await variable(1).count(), 0);
    assert.equal(
      await message.getByRole('button', { name: 'Use this template' }).count(),
      0,
      'only without JavaScript',
    );
    await template.selectOption({ label: `spring_sale (en): ${SPRING_SALE.components[0]!.text!}` });
    await message.getByText(SPRING_SALE.components[0]!.text!, { exact: true }).waitFor();
    assert.equal(await variable(1).inputValue(), '{{contact.first_name}}');
    await variable(2).fill('everything at {{contact.company}}');
    await message.getByRole('button', { name: 'Save message' }).click();

    // The preview, per recipient.
    const preview = page.getByRole('region', { name: 'Preview', exact: true });
    await preview.getByText('Hello Ana, everything at Lima Bakery is 20% off this week.').waitFor();
    await preview.getByRole('link', { name: 'Next' }).click();
    await preview.getByText('Hello Ben, everything at Okafor Tools is 20% off this week.').waitFor();

    // Switched to the one-variable template without saving: one field, what was typed into Variable 1 kept.
    await variable(1).fill('dear {{contact.first_name}}');
    await template.selectOption({ label: `order_ready (en): ${ORDER_READY.components[0]!.text!}` });
    await message.getByText(ORDER_READY.components[0]!.text!, { exact: true }).waitFor();
    assert.equal(await variable(2).count(), 0, 'the template has one variable');
    assert.equal(await variable(1).inputValue(), 'dear {{contact.first_name}}');
    await message.getByRole('button', { name: 'Save message' }).click();
    await preview.getByText('Hi dear Ana, your order is ready for pickup.').waitFor();

    const schedule = page.getByRole('region', { name: 'Schedule', exact: true });
    assert.equal(await schedule.getByLabel('Send now').isChecked(), true);
    await schedule.getByRole('button', { name: 'Send or schedule' }).click();
    await page.getByRole('region', { name: 'Progress', exact: true }).waitFor();

    // At Meta: both as the approved template, its one parameter filled for each recipient, in the exact wire format.
    const sent = await until(
      () => (standin.accepted.length === 2 ? standin.accepted.map((a) => a.body) : undefined),
      'both texts at the Graph API',
    );
    const expected = (phone: string, first: string) => ({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: phone.slice(1),
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: `dear ${first}` }] }],
      },
    });
    assert.deepEqual(
      [...sent].sort((a, b) => String(a.to).localeCompare(String(b.to))),
      [expected(ANA, 'Ana'), expected(BEN, 'Ben')],
    );
    assert.deepEqual(
      standin.requests.filter((r) => r.refusal),
      [],
      'the stand-in refused nothing',
    );
  },
);
