import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { Client, PASSWORD, type TestApp, testApp } from '../helper.ts';
import { HX, signInForm } from './steps.ts';

const at = (iso: string) => Date.parse(iso);

async function setup(t: TestContext, config: Record<string, unknown> = {}) {
  const h = await testApp(t, config);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const lena = await buildUser(h, { name: 'Lena' });
  const bert = await buildUser(h, { name: 'Bert' });
  const shop = buildNumber(h, { inbox: buildInbox(h, { name: 'Support', members: [lena, bert] }) });
  /** A customer's text at a given moment. */
  const textAt = (iso: string, from: string, text = 'Hello') => {
    const now = h.app.domain.now;
    h.app.domain.now = () => at(iso);
    try {
      return receiveText(h, { from, to: shop, text }).conversationId;
    } finally {
      h.app.domain.now = now;
    }
  };
  return { h, admin, lena, bert, textAt };
}

/** Signs in as a browser does, telling the server the browser's time zone (app.js fills the hidden field). */
async function signInFrom(h: TestApp, email: string, timeZone?: string): Promise<Client> {
  const { browser, res } = await signInForm(h.app, { email, time_zone: timeZone });
  assert.equal(res.statusCode, 303);
  return browser;
}

const zoneOf = (h: TestApp, id: number) =>
  h.sqlite.prepare('SELECT time_zone FROM users WHERE id = ?').pluck().get(id) as string | null;

test("the sign-in form carries a field for the browser's time zone, filled by app.js", async (t) => {
  const { h } = await setup(t);
  const page = await new Client(h.app).get('/login');
  assert.match(page.body, /<input type="hidden" name="time_zone" value="" data-browser-time-zone>/);
  assert.match(page.body, /<script type="module" src="\/static\/app\.js"><\/script>/);
});

test("the first sign-in keeps the browser's zone; later ones, and zones that are none of ours, change nothing", async (t) => {
  const { h, lena, bert, admin } = await setup(t);
  await signInFrom(h, lena.email, 'America/Los_Angeles');
  assert.equal(zoneOf(h, lena.id), 'America/Los_Angeles');
  await signInFrom(h, lena.email, 'Europe/Berlin');
  assert.equal(zoneOf(h, lena.id), 'America/Los_Angeles', 'a laptop on a trip does not move the setting');
  await signInFrom(h, bert.email, 'Mars/Olympus');
  assert.equal(zoneOf(h, bert.id), null, 'an unknown zone is ignored, and the sign-in goes through');
  await signInFrom(h, bert.email);
  assert.equal(zoneOf(h, bert.id), null, "without JavaScript: none, the server's applies");
  await signInFrom(h, admin.email, 'US/Pacific');
  assert.equal(zoneOf(h, admin.id), 'America/Los_Angeles', 'stored under its listed name');
});

test('a user in Los Angeles and one in Berlin see the same message at their own local times', async (t) => {
  const { h, lena, bert, textAt } = await setup(t);
  const id = textAt('2026-11-25T19:00:00Z', '+15557654321', 'Is the shop open?');
  const la = await signInFrom(h, lena.email, 'America/Los_Angeles');
  const berlin = await signInFrom(h, bert.email, 'Europe/Berlin');
  const timeOf = (body: string) =>
    /<time datetime="2026-11-25T19:00:00\.000Z">([^<]+)<\/time>/.exec(body)?.[1]?.replace(/\s/g, ' ');
  assert.equal(timeOf((await la.get(`/conversations/${id}`)).body), '11/25/26, 11:00 AM');
  assert.equal(timeOf((await berlin.get(`/conversations/${id}`)).body), '11/25/26, 8:00 PM');
  // The list row's full time (its title) too.
  assert.match((await la.get('/conversations')).body, /title="11\/25\/26, 11:00\sAM"/);
  assert.match((await berlin.get('/conversations')).body, /title="11\/25\/26, 8:00\sPM"/);
});

test("without a zone of their own, people see the server's time_zone", async (t) => {
  const { h, lena, textAt } = await setup(t, { server: { time_zone: 'Europe/Berlin' } });
  const id = textAt('2026-11-25T19:00:00Z', '+15557654321');
  const client = await signInFrom(h, lena.email);
  assert.match(
    (await client.get(`/conversations/${id}`)).body,
    /<time datetime="2026-11-25T19:00:00\.000Z">11\/25\/26, 8:00\sPM<\/time>/,
  );
});

test('a date filter for "today" at 23:30 in Los Angeles holds that day there: 23:00 is in, 00:30 the next day is not', async (t) => {
  const { h, lena, textAt } = await setup(t);
  // 25 November 2026 in Los Angeles (UTC−8) runs from 08:00 UTC that day to 08:00 UTC the next.
  textAt('2026-11-25T07:30:00Z', '+15550000001', 'the evening before'); // 24 Nov, 23:30
  textAt('2026-11-25T08:30:00Z', '+15550000002', 'just after midnight'); // 25 Nov, 00:30
  textAt('2026-11-26T07:00:00Z', '+15550000003', 'late that evening'); // 25 Nov, 23:00
  textAt('2026-11-26T08:30:00Z', '+15550000004', 'after the next midnight'); // 26 Nov, 00:30
  h.app.domain.now = () => at('2026-11-26T07:30:00Z'); // 25 Nov, 23:30 in Los Angeles: "today" is the 25th.
  const client = await signInFrom(h, lena.email, 'America/Los_Angeles');
  const list = (await client.get('/conversations?from=2026-11-25&to=2026-11-25')).body;
  assert.match(list, /late that evening/);
  assert.match(list, /just after midnight/);
  assert.doesNotMatch(list, /after the next midnight/);
  assert.doesNotMatch(list, /the evening before/);
});

test('on the day the clocks go back, the filter holds all 25 hours of it', async (t) => {
  const { h, lena, textAt } = await setup(t);
  // 1 November 2026 in Los Angeles: 07:00 UTC (PDT) to 08:00 UTC the next day (PST).
  textAt('2026-11-01T06:45:00Z', '+15550000001', 'Saturday night'); // 31 Oct, 23:45 PDT
  textAt('2026-11-01T07:15:00Z', '+15550000002', 'first quarter hour'); // 1 Nov, 00:15 PDT
  textAt('2026-11-02T07:45:00Z', '+15550000003', 'last quarter hour'); // 1 Nov, 23:45 PST
  textAt('2026-11-02T08:15:00Z', '+15550000004', 'Monday morning'); // 2 Nov, 00:15 PST
  const client = await signInFrom(h, lena.email, 'America/Los_Angeles');
  const list = (await client.get('/conversations?from=2026-11-01&to=2026-11-01')).body;
  assert.match(list, /first quarter hour/);
  assert.match(list, /last quarter hour/);
  assert.doesNotMatch(list, /Saturday night/);
  assert.doesNotMatch(list, /Monday morning/);
  assert.equal((await client.get('/conversations?from=2026-02-30')).statusCode, 400, 'no such day');
});

test('Settings: the time zone is picked from the list; one that is not on it is refused in place (422)', async (t) => {
  const { h, lena } = await setup(t, { server: { time_zone: 'Europe/Vienna' } });
  const client = await signInFrom(h, lena.email, 'America/Los_Angeles');
  const page = (await client.get('/settings')).body;
  assert.match(page, /<label for="time-zone">Time zone<\/label>/);
  assert.match(page, /<option value="" >Same as the server \(Europe\/Vienna\)<\/option>/);
  assert.match(page, /<option selected>America\/Los_Angeles<\/option>/);
  assert.match(page, /<option >Europe\/Berlin<\/option>/);

  const refused = await client.post('/settings/time-zone', { time_zone: 'Mars/Olympus' }, HX);
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /^<section id="settings-time-zone"/, 'htmx swaps the section only');
  assert.match(refused.body, /aria-describedby="time-zone-help time-zone-error" aria-invalid="true"/);
  assert.match(refused.body, /<p class="field-error" id="time-zone-error">Pick a time zone from the list\.<\/p>/);
  assert.equal(zoneOf(h, lena.id), 'America/Los_Angeles', 'nothing written');
  const noJs = await client.post('/settings/time-zone', { time_zone: '+02:00' });
  assert.equal(noJs.statusCode, 422);
  assert.match(noJs.body, /<h1>Settings<\/h1>/, 'without htmx the whole page comes back');

  const saved = await client.post('/settings/time-zone', { time_zone: 'Europe/Berlin' }, HX);
  assert.equal(saved.statusCode, 200);
  assert.match(saved.body, /Your time zone was saved\./);
  assert.match(saved.body, /<option selected>Europe\/Berlin<\/option>/);
  assert.equal(zoneOf(h, lena.id), 'Europe/Berlin');
  await client.post('/settings/time-zone', { time_zone: '' }, HX);
  assert.equal(zoneOf(h, lena.id), null, "back to the server's");
});

test("first run: the setup form keeps the browser's zone for the first admin", async (t) => {
  const h = await testApp(t);
  const token = h.app.setup.token!;
  const client = new Client(h.app);
  assert.match(
    (await client.get(`/setup?token=${token}`)).body,
    /<input type="hidden" name="time_zone" value="" data-browser-time-zone>/,
  );
  const done = await client.post('/setup', {
    token,
    name: 'Ada',
    email: 'ada@example.test',
    password: PASSWORD,
    time_zone: 'Europe/Berlin',
  });
  assert.equal(done.statusCode, 303);
  assert.equal(h.sqlite.prepare('SELECT time_zone FROM users').pluck().get(), 'Europe/Berlin');
});
