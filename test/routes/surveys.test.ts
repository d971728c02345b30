import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeZone } from '../../src/domain/users/time-zone.ts';
import { buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { Client, signedIn, type TestApp, testApp } from '../helper.ts';
import { HX } from './steps.ts';

const SHOP = '+15551230000';
const OTHER_SHOP = '+15551230001';

async function setup(t: TestContext) {
  const h = await testApp(t, { server: { public_url: 'https://inbox.example.com' } });
  const admin = await buildUser(h, { role: 'admin' });
  const manager = await buildUser(h, { role: 'manager', name: 'Mia' });
  const ana = await buildUser(h, { name: 'Ana' });
  buildNumber(h, { e164: SHOP, inbox: buildInbox(h, { name: 'Support', members: [manager, ana] }) });
  buildNumber(h, { e164: OTHER_SHOP, inbox: 'Other' });
  const text = (from: string, to = SHOP, body = 'hello') => receiveText(h, { from, to, text: body }).conversationId;
  return { h, admin, manager, ana, text };
}

const lastOut = (h: TestApp) =>
  h.sqlite.prepare(`SELECT body FROM messages WHERE direction = 'out' ORDER BY id DESC LIMIT 1`).pluck().get() as
    string | undefined;
const tokenIn = (body: string) => /\/s\/([\w-]+)/.exec(body)![1]!;

async function defineSurveys(m: Client) {
  const full = await m.post('/surveys', {
    title: 'After-visit',
    invitation: 'How did we do? {link}',
    q1_prompt: 'How was your visit?',
    q1_kind: 'rating',
    q2_prompt: 'Would you recommend us?',
    q2_kind: 'nps',
    q3_prompt: 'What brought you in?',
    q3_kind: 'choice',
    q3_options: 'Repair\nPurchase\n=HYPERLINK("x")',
    q4_prompt: 'Anything else?',
    q4_kind: 'text',
  });
  assert.equal(full.statusCode, 303);
  const quick = await m.post('/surveys', {
    title: 'Quick rating',
    invitation: 'Rate us 1-5 by replying, or tap {link}',
    q1_prompt: 'Rate us',
    q1_kind: 'rating',
  });
  assert.equal(quick.statusCode, 303);
  return {
    full: Number(/\/surveys\/(\d+)/.exec(full.headers.location as string)![1]),
    quick: Number(/\/surveys\/(\d+)/.exec(quick.headers.location as string)![1]),
  };
}

test('managers define surveys (errors in place); agents may not', async (t) => {
  const { h, manager, ana } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const bad = await m.post('/surveys', { title: 'X', invitation: 'no link here', q1_prompt: 'Q', q1_kind: 'rating' });
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /must contain \{link\}/);
  assert.match(bad.body, /value="X"/);
  const badChoice = await m.post('/surveys', {
    title: 'X',
    invitation: '{link}',
    q1_prompt: 'Pick',
    q1_kind: 'choice',
    q1_options: 'only one',
  });
  assert.equal(badChoice.statusCode, 422);
  assert.equal((await m.post('/surveys', { title: 'X', invitation: '{link}' })).statusCode, 422, 'no question');
  const empty = await h.app.inject({
    method: 'POST',
    url: '/surveys',
    headers: { cookie: m.cookieHeader, 'x-csrf-token': m.csrf },
  });
  assert.equal(empty.statusCode, 422, 'no body at all: refused, not a crash');
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM surveys').pluck().get(), 0);
  const a = await signedIn(h.app, ana.email);
  assert.equal((await a.get('/surveys')).statusCode, 403);
  assert.equal(
    (await a.post('/surveys', { title: 'X', invitation: '{link}', q1_prompt: 'Q', q1_kind: 'rating' })).statusCode,
    403,
  );
});

test('a survey is sent as a text with a link, answered on a public page, shown on the timeline and in the report and CSV', async (t) => {
  const { h, manager, ana, text } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const { full } = await defineSurveys(m);
  const conversationId = text('+15557654321');
  const a = await signedIn(h.app, ana.email);
  assert.match((await a.get(`/conversations/${conversationId}`)).body, /Send survey/);
  const sent = await a.post(`/conversations/${conversationId}/survey`, { survey: String(full) }, HX);
  assert.equal(sent.statusCode, 200);
  assert.match(sent.body, /Survey sent/);
  const sms = lastOut(h)!;
  assert.match(sms, /^How did we do\? https:\/\/inbox\.example\.com\/s\/[\w-]{20,}$/);
  const token = tokenIn(sms);

  const customer = new Client(h.app);
  const form = await customer.get(`/s/${token}`);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /How was your visit\?/);
  assert.doesNotMatch(form.body, /Sign out/, 'no sign-in, no app around it');
  const wrong = await customer.post(`/s/${token}`, { [`q${qid(h, 'How was your visit?')}`]: '9' });
  assert.equal(wrong.statusCode, 422);
  assert.equal((await customer.post(`/s/${token}`, {})).statusCode, 422, 'nothing answered');
  const answered = await customer.post(`/s/${token}`, {
    [`q${qid(h, 'How was your visit?')}`]: '4',
    [`q${qid(h, 'Would you recommend us?')}`]: '10',
    [`q${qid(h, 'What brought you in?')}`]: '2',
    [`q${qid(h, 'Anything else?')}`]: 'Great <b>service</b>, thanks',
  });
  assert.equal(answered.statusCode, 200);
  assert.match(answered.body, /Thank you/);
  assert.equal(
    (await customer.post(`/s/${token}`, { [`q${qid(h, 'How was your visit?')}`]: '1' })).statusCode,
    409,
    'once only',
  );
  assert.equal((await customer.get('/s/not-a-real-token-at-all-xyz')).statusCode, 404);

  const timeline = (await a.get(`/conversations/${conversationId}`)).body;
  assert.match(timeline, /Ana sent the survey After-visit/);
  assert.match(
    timeline,
    /The customer answered the survey After-visit: 4\/5 · 10\/10 · =HYPERLINK\(&quot;x&quot;\) · “Great &lt;b&gt;service&lt;\/b&gt;, thanks”/,
  );

  // A second send, never answered: the response rate is one in two.
  await a.post(`/conversations/${text('+15557654322')}/survey`, { survey: String(full) }, HX);
  const report = await m.get(`/surveys/${full}`);
  assert.equal(report.statusCode, 200);
  assert.match(report.body, /Sent 2 · answered 1 · response rate 50%/);
  assert.match(report.body, /average 4\.0/);
  assert.match(report.body, /NPS 100/);
  assert.match(report.body, /<svg class="chart" role="img"/);
  assert.match(report.body, /<title id="chart-\d+">1: 0, 2: 0, 3: 0, 4: 1, 5: 0<\/title>/);
  const csv = await m.get(`/surveys/${full}/report.csv`);
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  assert.match(csv.body, /^sent_at,answered_at,conversation,inbox,question,answer\r\n/);
  assert.match(csv.body, /What brought you in\?,"'=HYPERLINK\(""x""\)"/, 'formulas are defused');
  assert.match(
    csv.body,
    /Anything else\?,Great <b>service<\/b>, thanks|Anything else\?,"Great <b>service<\/b>, thanks"/,
  );
  const future = await m.get(`/surveys/${full}?from=2099-01-01`);
  assert.match(future.body, /Sent 0 · answered 0/);
  assert.equal((await m.get(`/surveys/${full}?from=yesterday`)).statusCode, 400);
});

test('a one-question rating survey may be answered by texting the number; surveys are never sent to an opted-out contact', async (t) => {
  const { h, manager, ana, text } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const { quick } = await defineSurveys(m);
  const conversationId = text('+15557654321');
  const a = await signedIn(h.app, ana.email);
  await a.post(`/conversations/${conversationId}/survey`, { survey: String(quick) }, HX);
  text('+15557654321', SHOP, ' 5 ');
  assert.match(
    (await a.get(`/conversations/${conversationId}`)).body,
    /The customer answered the survey Quick rating: 5\/5/,
  );
  text('+15557654321', SHOP, '4');
  assert.equal(
    h.sqlite.prepare('SELECT count(*) FROM survey_answers').pluck().get(),
    1,
    'a later number is just a message',
  );

  text('+15557654321', SHOP, 'STOP');
  const before = h.sqlite.prepare('SELECT count(*) FROM survey_sends').pluck().get();
  const refused = await a.post(`/conversations/${conversationId}/survey`, { survey: String(quick) }, HX);
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /opted out/);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM survey_sends').pluck().get(), before);
});

test('reports count only conversations of inboxes the manager sees', async (t) => {
  const { h, admin, manager, text } = await setup(t);
  const m = await signedIn(h.app, manager.email);
  const { quick } = await defineSurveys(m);
  const ad = await signedIn(h.app, admin.email);
  await ad.post(`/conversations/${text('+15557654321', OTHER_SHOP)}/survey`, { survey: String(quick) }, HX);
  assert.match((await ad.get(`/surveys/${quick}`)).body, /Sent 1/);
  assert.match((await m.get(`/surveys/${quick}`)).body, /Sent 0/, 'Mia is not in Other');
  assert.doesNotMatch((await m.get(`/surveys/${quick}/report.csv`)).body, /Other/);
});

function qid(h: TestApp, prompt: string): number {
  return h.sqlite.prepare('SELECT id FROM survey_questions WHERE prompt = ?').pluck().get(prompt) as number;
}

test("a report's days are the manager's days, in their time zone", async (t) => {
  const { h, manager, ana, text } = await setup(t);
  setTimeZone(h.app.domain, manager.actor, 'America/Los_Angeles');
  const m = await signedIn(h.app, manager.email);
  const { quick } = await defineSurveys(m);
  const a = await signedIn(h.app, ana.email);
  const sendAt = async (iso: string, customer: string) => {
    h.app.domain.now = () => Date.parse(iso);
    assert.equal(
      (await a.post(`/conversations/${text(customer)}/survey`, { survey: String(quick) }, HX)).statusCode,
      200,
    );
  };
  await sendAt('2026-11-25T07:30:00Z', '+15557654321'); // 24 November, 23:30 in Los Angeles
  await sendAt('2026-11-26T07:00:00Z', '+15557654322'); // 25 November, 23:00
  await sendAt('2026-11-26T08:30:00Z', '+15557654323'); // 26 November, 00:30
  h.app.domain.now = Date.now;
  assert.match((await m.get(`/surveys/${quick}?from=2026-11-25&to=2026-11-25`)).body, /Sent 1 · answered 0/);
  assert.match((await m.get(`/surveys/${quick}?from=2026-11-26`)).body, /Sent 1 · answered 0/);
  const csv = (await m.get(`/surveys/${quick}/report.csv?to=2026-11-24`)).body;
  assert.deepEqual(
    csv
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(',')[0]),
    ['2026-11-25T07:30:00.000Z'],
    'the CSV takes the same days',
  );
  assert.equal((await m.get(`/surveys/${quick}?to=2026-02-30`)).statusCode, 400);
});
