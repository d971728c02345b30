import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeTemplates } from '../../src/domain/messaging/templates.ts';
import { buildNumber, buildUser, staffInbox } from '../factories.ts';
import { buildTestApp, signedIn } from '../helper.ts';

const SHOP = '+15551230000';
const CUSTOMER = '+15557654321';

/** A WhatsApp number in Support with one approved template (and one pending), and an SMS number beside it. */
async function world(t: import('node:test').TestContext) {
  const h = await buildTestApp({ contacts: { default_country: 'US' } });
  t.after(() => h.close());
  const ana = await buildUser(h, { name: 'Ana' });
  const whatsapp = buildNumber(h, { e164: SHOP, whatsapp: 'wa-main', inbox: 'Support' });
  buildNumber(h, { e164: '+15551239999', inbox: 'Support' });
  staffInbox(h, 'Support', [ana]);
  storeTemplates(h.app.domain, 'wa-main', [
    { name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', body: 'Hi {{1}}, {{2}} shipped.' },
    { name: 'spring_sale', language: 'en', status: 'PENDING', category: 'MARKETING', body: 'Sale!' },
  ]);
  const client = await signedIn(h.app, ana.email);
  const rows = (sql: string) => h.sqlite.prepare(sql).all() as Record<string, unknown>[];
  return { h, client, whatsapp, rows };
}

test('a WhatsApp conversation starts with an approved template; free text to someone who never wrote is refused in place', async (t) => {
  const { client, whatsapp, rows } = await world(t);
  const page = await client.get('/conversations/new');
  assert.match(page.body, /<legend>WhatsApp: start with an approved template<\/legend>/);
  assert.match(
    page.body,
    /<option value="order_update\|en" >order_update \(en\) from \(555\) 123-0000: Hi \{\{1\}\}, \{\{2\}\} shipped\.<\/option>/,
  );
  assert.doesNotMatch(page.body, /spring_sale/, 'only approved templates');
  assert.match(page.body, /<label for="start-var2">Variable 2<\/label>/);

  const from = String(whatsapp.id);
  // Free text: the window was never opened.
  const refused = await client.post('/conversations/new', { from, to: CUSTOMER, body: 'Hello!' });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /WhatsApp allows free text only within 24 hours/);
  // A template whose first variable has no value (a new contact has no name) is refused, the values kept.
  const missing = await client.post('/conversations/new', {
    from,
    to: CUSTOMER,
    body: '',
    template: 'order_update|en',
    var2: 'Order A-17',
  });
  assert.equal(missing.statusCode, 422);
  assert.match(missing.body, /value="Order A-17"/);
  assert.equal(rows(`SELECT id FROM messages`).length, 0, 'nothing queued');

  const started = await client.post('/conversations/new', {
    from,
    to: CUSTOMER,
    body: '',
    template: 'order_update|en',
    var1: 'Carla',
    var2: 'Order A-17',
  });
  assert.equal(started.statusCode, 303, started.body);
  const [message] = rows(`SELECT body, status, content FROM messages`);
  assert.deepEqual(
    { body: message?.body, status: message?.status, content: JSON.parse(String(message?.content)) as unknown },
    {
      body: 'Hi Carla, Order A-17 shipped.',
      status: 'queued',
      content: { template: { name: 'order_update', language: 'en', params: ['Carla', 'Order A-17'] } },
    },
  );
  // A template on an SMS number, or one that is not approved, is refused.
  const sms = await client.post('/conversations/new', {
    from: String(rows(`SELECT id FROM numbers WHERE kind = 'sms'`)[0]?.id),
    to: '+15557654322',
    body: '',
    template: 'order_update|en',
    var1: 'x',
    var2: 'y',
  });
  assert.equal(sms.statusCode, 422);
  const pending = await client.post('/conversations/new', {
    from,
    to: '+15557654322',
    body: '',
    template: 'spring_sale|en',
  });
  assert.equal(pending.statusCode, 422);
  assert.match(pending.body, /not \(or no longer\) approved/);
});
