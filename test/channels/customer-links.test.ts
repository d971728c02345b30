import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import type { Simulator } from '../../src/channels/smpp/simulator.ts';
import { startMessaging } from '../../src/channels/start.ts';
import { SANDBOX } from '../../src/config/sandbox.ts';
import { listSharedInboxes } from '../../src/domain/inboxes/service.ts';
import { createSurvey } from '../../src/domain/surveys/definitions.ts';
import { jpeg } from '../fixtures/media.ts';
import { buildConversation, buildUser, staffInbox } from '../factories.ts';
import { buildTestApp, signedIn, until, type TestApp } from '../helper.ts';
import { carrierSmsc, inboundConversation, startSandbox } from './wiring.ts';

const CARRIER_NUMBER = '+15551230000';
const CUSTOMER = '+15557654321';
/** What an attacker puts in the Host header, hoping to see it in the texts customers get. */
const FORGED = { hx: { 'hx-request': 'true', host: 'evil.example' } };
const MISSING = 'An admin must set server.public_url in the configuration file';
const BANNER = 'Set server.public_url in the configuration file';

/**
 * A server as `serve` runs it: messaging started, a real SMSC over loopback behind the [[smpp]] block "carrier"
 * (and the sandbox SMSC too when `sandbox`). Ana works in every inbox; a survey is ready to send.
 */
async function world(t: TestContext, opts: { publicUrl?: string; sandbox?: boolean }) {
  const { smsc, block } = await carrierSmsc(t, 20);
  const h = await buildTestApp({
    ...(opts.publicUrl ? { server: { public_url: opts.publicUrl } } : {}),
    sandbox: { enabled: opts.sandbox ?? false },
    smpp: [block],
    number: [{ e164: CARRIER_NUMBER, smpp: 'carrier', inbox: 'Shop', registration: 'not-required' }],
  });
  const messaging = await startMessaging(h.app, 'switchboard.toml', pino({ level: 'silent' }));
  t.after(async () => {
    await messaging.stop();
    await h.close();
  });
  await until(() => smsc.boundSessions() > 0, 'bound to the carrier');
  const [admin, ana] = await Promise.all([buildUser(h, { role: 'admin' }), buildUser(h, { name: 'Ana' })]);
  for (const inbox of listSharedInboxes(h.app.domain, admin.actor)) staffInbox(h, inbox, [ana]);
  const survey = createSurvey(h.app.domain, admin.actor, {
    title: 'After-visit',
    invitation: 'How did we do? {link}',
    questions: [{ kind: 'rating', prompt: 'Rate us', options: '' }],
  });
  const conversationOn = (number: string) => buildConversation(h, { number, from: CUSTOMER }).id;
  return { h, smsc, messaging, admin, ana, survey, conversationOn };
}

/** Everything the customer's phone got over one SMSC, segments joined. */
const textsAt = (smsc: Simulator): string => smsc.received.map((m) => decodeShortMessage(m).text).join('\n');

const count = (h: TestApp, table: string) => h.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

test('without server.public_url, a survey or a file link to a carrier customer is refused in place, whatever the Host header says; nothing reaches the SMSC', async (t) => {
  const { h, smsc, ana, survey, conversationOn } = await world(t, {});
  const id = conversationOn(CARRIER_NUMBER);
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${id}`);

  const surveyRefused = await a.post(
    `/conversations/${id}/survey`,
    { survey: String(survey.id) },
    { headers: FORGED.hx },
  );
  assert.equal(surveyRefused.statusCode, 422);
  assert.match(surveyRefused.body, new RegExp(MISSING));
  assert.match(surveyRefused.body, /id="survey-pick-error"/, 'under the survey picker');
  assert.match(surveyRefused.body, /^<form id="composer"/, 'the composer alone, for htmx');

  const fileRefused = await a.postMultipart(
    `/conversations/${id}/messages`,
    { body: 'Here is the map' },
    [{ name: 'map.jpg', data: jpeg() }],
    { headers: FORGED.hx },
  );
  assert.equal(fileRefused.statusCode, 422);
  assert.match(fileRefused.body, new RegExp(MISSING));
  assert.match(fileRefused.body, /id="reply-files-error"/, 'under the file field');
  assert.match(fileRefused.body, />Here is the map<\/textarea>/, 'the text is kept');
  const withoutJs = await a.post(
    `/conversations/${id}/survey`,
    { survey: String(survey.id) },
    { headers: { host: 'evil.example' } },
  );
  assert.equal(withoutJs.statusCode, 422);
  assert.match(withoutJs.body, /<html/, 'without JavaScript: the conversation page');
  assert.match(withoutJs.body, new RegExp(MISSING));

  assert.deepEqual(
    {
      messages: count(h, `messages WHERE direction = 'out'`),
      sends: count(h, 'survey_sends'),
      attachments: count(h, 'attachments'),
      links: count(h, 'media_links'),
    },
    { messages: 0, sends: 0, attachments: 0, links: 0 },
    'nothing half-written',
  );
  const stored = readdirSync(h.app.media.dir, { recursive: true })
    .map(String)
    .filter((f) => !f.startsWith('tmp'));
  assert.deepEqual(stored, [], 'no file kept under media/');

  // A text without a link still goes; once it is at the SMSC, nothing before it went either.
  assert.equal(
    (
      await a.post(
        `/conversations/${id}/messages`,
        { body: 'We will text you the map shortly' },
        { headers: FORGED.hx },
      )
    ).statusCode,
    200,
  );
  await until(() => smsc.received.length > 0, 'the plain text at the SMSC');
  assert.equal(textsAt(smsc), 'We will text you the map shortly');
  assert.doesNotMatch(textsAt(smsc), /evil\.example/);
});

test('with server.public_url, survey and file links use it, not a forged Host header', async (t) => {
  const { h, smsc, ana, survey, conversationOn } = await world(t, { publicUrl: 'https://inbox.example.com/' });
  const id = conversationOn(CARRIER_NUMBER);
  const a = await signedIn(h.app, ana.email);
  await a.get(`/conversations/${id}`);

  assert.equal(
    (await a.post(`/conversations/${id}/survey`, { survey: String(survey.id) }, { headers: FORGED.hx })).statusCode,
    200,
  );
  assert.equal(
    (
      await a.postMultipart(
        `/conversations/${id}/messages`,
        { body: 'Here is the map' },
        [{ name: 'map.jpg', data: jpeg() }],
        { headers: FORGED.hx },
      )
    ).statusCode,
    200,
  );
  await until(() => smsc.received.length >= 2, 'both texts at the SMSC');
  const texts = textsAt(smsc);
  assert.match(texts, /^How did we do\? https:\/\/inbox\.example\.com\/s\/[\w-]{24}$/m);
  assert.match(texts, /^https:\/\/inbox\.example\.com\/m\/[\w-]{24}$/m);
  assert.doesNotMatch(texts, /evil\.example/);
});

test('admins are told to set server.public_url while a carrier number has none; agents are not, and it goes once it is set', async (t) => {
  const { h, admin, ana } = await world(t, {});
  const ad = await signedIn(h.app, admin.email);
  const home = await ad.get('/conversations');
  assert.match(home.body, new RegExp(`<p class="config-banner" role="note">${BANNER}`));
  assert.match((await ad.get('/admin/users')).body, new RegExp(BANNER), 'on admin pages too');
  assert.doesNotMatch((await (await signedIn(h.app, ana.email)).get('/conversations')).body, new RegExp(BANNER));

  h.configStore.current = {
    ...h.configStore.current,
    server: { ...h.configStore.current.server, public_url: 'https://inbox.example.com' },
  };
  assert.doesNotMatch((await ad.get('/conversations')).body, new RegExp(BANNER), 'after a reload with public_url');
});

test('the sandbox without server.public_url: its customer phone gets survey and file links at the address the browser used', async (t) => {
  const { h, simulator } = await startSandbox(t);
  const admin = await buildUser(h, { role: 'admin' });
  const survey = createSurvey(h.app.domain, admin.actor, {
    title: 'After-visit',
    invitation: 'How did we do? {link}',
    questions: [{ kind: 'rating', prompt: 'Rate us', options: '' }],
  });
  const ad = await signedIn(h.app, admin.email);
  const home = await ad.get('/conversations');
  assert.match(home.body, /class="sandbox-banner"/);
  assert.doesNotMatch(home.body, new RegExp(BANNER), 'nothing to set while texts go nowhere real');

  await ad.get('/sandbox');
  await ad.post('/sandbox/messages', { phone: CUSTOMER, to: SANDBOX.number, text: 'Can you send the map?' });
  const id = await inboundConversation(h);
  await ad.get(`/conversations/${id}`);
  const browser = { 'hx-request': 'true', host: '127.0.0.1:3000' };
  assert.equal(
    (await ad.post(`/conversations/${id}/survey`, { survey: String(survey.id) }, { headers: browser })).statusCode,
    200,
  );
  assert.equal(
    (
      await ad.postMultipart(
        `/conversations/${id}/messages`,
        { body: 'Here is the map' },
        [{ name: 'map.jpg', data: jpeg() }],
        { headers: browser },
      )
    ).statusCode,
    200,
  );
  await until(() => simulator.received.length >= 2, 'both texts at the sandbox SMSC');
  assert.match(textsAt(simulator), /^How did we do\? http:\/\/127\.0\.0\.1:3000\/s\/[\w-]{24}$/m);
  assert.match(textsAt(simulator), /^http:\/\/127\.0\.0\.1:3000\/m\/[\w-]{24}$/m);
});

test('the sandbox beside a carrier: the sandbox number still sends links without server.public_url, the carrier number does not', async (t) => {
  const { h, smsc, messaging, admin, ana, survey, conversationOn } = await world(t, { sandbox: true });
  const a = await signedIn(h.app, ana.email);
  const onSandbox = conversationOn(SANDBOX.number);
  const onCarrier = conversationOn(CARRIER_NUMBER);
  await a.get(`/conversations/${onSandbox}`);
  assert.equal(
    (await a.post(`/conversations/${onSandbox}/survey`, { survey: String(survey.id) }, { headers: FORGED.hx }))
      .statusCode,
    200,
  );
  const refused = await a.post(
    `/conversations/${onCarrier}/survey`,
    { survey: String(survey.id) },
    { headers: FORGED.hx },
  );
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, new RegExp(MISSING));
  await until(() => messaging.sandbox!.received.length > 0, 'the sandbox text');
  assert.equal(smsc.received.length, 0, 'nothing at the carrier');
  assert.match(
    (await (await signedIn(h.app, admin.email)).get('/conversations')).body,
    new RegExp(BANNER),
    'the carrier number needs it',
  );
});
