import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Country } from '../../src/lib/countries.ts';
import { createContact } from '../../src/domain/contacts/service.ts';
import { setTimeZone } from '../../src/domain/users/time-zone.ts';
import { buildInbox, buildNumber, buildUser, SETUP } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const BLOCKED = '+15551231111';
const BERLIN = '+4915123456789';

/** Ana in Support, which texts from a US number; a number of another inbox is waiting for its 10DLC registration. */
async function setup(t: TestContext, country?: Country) {
  const h = await testApp(t, country ? { contacts: { default_country: country } } : {});
  const ana = await buildUser(h, { name: 'Ana' });
  const inbox = buildInbox(h, { name: 'Support', members: [ana] });
  const shop = buildNumber(h, { e164: SHOP, inbox });
  const blocked = buildNumber(h, { e164: BLOCKED, inbox, registration: 'unregistered' });
  const client = await signedIn(h.app, ana.email);
  const start = (to: string, extra: Record<string, string> = {}) =>
    client.post('/conversations/new', { from: String(shop.id), to, body: 'Hello', ...extra });
  const phoneOf = (location: unknown) =>
    h.sqlite
      .prepare('SELECT phone FROM conversations WHERE id = ?')
      .pluck()
      .get(Number(/\/conversations\/(\d+)$/.exec(String(location))![1]));
  return { h, ana, client, shop, blocked, start, phoneOf };
}

/** The message under the To field, '' when there is none. */
const toError = (body: string) => /id="start-to-error">([^<]*)</.exec(body)?.[1] ?? '';

test("the README's example 555 123 0000 is accepted; the message's own examples are too", async (t) => {
  const { client, start, phoneOf } = await setup(t, 'US');
  const started = await start('555 123 0000');
  assert.equal(started.statusCode, 303);
  assert.equal(phoneOf(started.headers.location), '+15551230000');

  const refused = await start('12');
  assert.equal(refused.statusCode, 422);
  const message = toError(refused.body);
  assert.equal(message, 'Enter a phone number, such as (201) 555-0123 or +1 201 555 0123.');
  assert.match(refused.body, /id="start-to"[^>]*aria-invalid="true"/, 'the field says it is wrong');
  assert.match(refused.body, /value="12"/, 'what was typed is kept');
  for (const example of ['(201) 555-0123', '+1 201 555 0123']) {
    const again = await client.post('/conversations/new', {
      from: /<option value="(\d+)" selected/.exec(refused.body)![1]!,
      to: example,
      body: 'Hello',
    });
    assert.equal(again.statusCode, 303, `${example} from the message is accepted`);
  }
});

test('numbers that are none are refused in place with a clear message: too short, no such country code', async (t) => {
  const { h, start } = await setup(t, 'US');
  for (const typed of ['+1 555 0100', '+999 123 4567', '555 0100', 'call me']) {
    const refused = await start(typed);
    assert.equal(refused.statusCode, 422, typed);
    assert.equal(toError(refused.body), 'Enter a phone number, such as (201) 555-0123 or +1 201 555 0123.', typed);
  }
  const landline = await start('+49 30 123');
  assert.equal(landline.statusCode, 422);
  assert.equal(
    toError(landline.body),
    '+49 30 123 is a landline or service number: texts cannot reach it. Enter a mobile number.',
  );
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM conversations').pluck().get(), 0, 'nothing was started');
});

test("without a configured country, a national number is read in the sending number's country", async (t) => {
  const { start, phoneOf } = await setup(t);
  const started = await start('(555) 123-0001');
  assert.equal(started.statusCode, 303);
  assert.equal(phoneOf(started.headers.location), '+15551230001');
  // Not a US number, and Ana's time zone (the server's, UTC) names no country: only a country code helps.
  const refused = await start('01512 3456789');
  assert.equal(refused.statusCode, 422);
  assert.equal(toError(refused.body), 'Enter a phone number, such as (201) 555-0123 or +1 201 555 0123.');
  const international = await start('+49 1512 3456789');
  assert.equal(phoneOf(international.headers.location), BERLIN);
});

test('a person in Berlin reads German numbers as dialled at home, and types them so', async (t) => {
  const { h, ana, client, start, phoneOf } = await setup(t);
  setTimeZone(h.app.domain, ana.actor, 'Europe/Berlin');
  const started = await start('01512 3456789');
  assert.equal(started.statusCode, 303);
  assert.equal(phoneOf(started.headers.location), BERLIN);
  const page = (await client.get(String(started.headers.location))).body;
  assert.match(page, /<h1 id="conversation-title">01512 3456789<\/h1>/, 'national in her own country');
  assert.match(page, /\+1 555 123 0000/, 'the US number with its country code');
});

test('the German form explains a refused number in German', async (t) => {
  const { client, shop } = await setup(t, 'DE');
  const refused = await client.post(
    '/conversations/new',
    { from: String(shop.id), to: '12', body: 'Hallo' },
    { headers: { 'accept-language': 'de' } },
  );
  assert.equal(refused.statusCode, 422);
  assert.equal(
    toError(refused.body), // The sending number is American: national numbers are read as American first, so that is the example.
    'Geben Sie eine Telefonnummer ein, z. B. (201) 555-0123 oder +1 201 555 0123.',
  );
});

test('Send from marks the unregistered number before anything is written, and offers a registered one first', async (t) => {
  const { client, shop, blocked } = await setup(t, 'US');
  const form = (await client.get('/conversations/new')).body;
  assert.match(form, new RegExp(`<option value="${shop.id}" selected>\\(555\\) 123-0000 · Support</option>`));
  assert.match(
    form,
    new RegExp(
      `<option value="${blocked.id}" >\\(555\\) 123-1111 · Support — not registered, texts are blocked</option>`,
    ),
  );
  assert.match(form, /aria-describedby="start-from-hint"/);
  assert.match(form, /Carriers block texts from a number until its registration \(10DLC\) is done/);
});

test('the To field suggests saved contacts by name or by number as typed, one option a number', async (t) => {
  const { h, client } = await setup(t, 'US');
  createContact(h.app.domain, SETUP, { name: 'Carla Customer', phones: '+15557654321\n+4915123456789' }, 'US');
  createContact(h.app.domain, SETUP, { name: 'Dora Diaz', phones: '+15558889999' }, 'US');
  const byName = (await client.get('/conversations/new/contacts?to=carla', HX.headers)).body;
  const options = [...byName.matchAll(/role="option"[^>]*data-contact="(\d+)" data-number="([^"]+)"/g)].map(
    (m) => m[2],
  );
  assert.deepEqual(options, ['+1 555 765 4321', '+49 1512 3456789']);
  assert.match(byName, /\(555\) 765-4321/, 'shown as the user reads it');
  assert.match(byName, /data-picked="To Carla Customer"/);
  const byNumber = (await client.get(`/conversations/new/contacts?to=${encodeURIComponent('(555) 888')}`, HX.headers))
    .body;
  assert.match(byNumber, /Dora Diaz/);
  assert.doesNotMatch(byNumber, /Carla/);
  assert.doesNotMatch((await client.get('/conversations/new/contacts?to=x', HX.headers)).body, /role="option"/);
});
