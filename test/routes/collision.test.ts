import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { updateOwnSettings } from '../../src/domain/users/service.ts';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { handClock, HX } from './steps.ts';

async function setup(t: TestContext) {
  const h = await testApp(t);
  const clock = handClock(h);
  const [ana, ben, otto] = [
    await buildUser(h, { name: 'Ana' }),
    await buildUser(h, { name: 'Ben' }),
    await buildUser(h, { name: 'Otto' }),
  ];
  const inbox = buildInbox(h, { name: 'Support', members: [ana, ben] });
  const { id } = buildConversation(h, { inbox, texts: ['Where is my order?'] });
  const anaClient = await signedIn(h.app, ana.email);
  const outbound = (author: string) =>
    h.sqlite
      .prepare(
        `SELECT count(*) FROM messages JOIN users u ON u.id = messages.author_user_id WHERE direction = 'out' AND u.name = ?`,
      )
      .pluck()
      .get(author) as number;
  return { h, clock, ana, ben, otto, id, anaClient, outbound };
}

/** The question's text before "Send anyway?" ('' when the composer asks nothing). */
const askOf = (html: string): string =>
  /<div class="reply-ask" role="alert">\s*<p>([^<]*)<strong>/.exec(html)?.[1]?.trim() ?? '';

/** The newest reply the composer in this HTML was drawn after. */
const seenIn = (html: string): string => /name="seen_reply" value="(\d+)"/.exec(html)?.[1] ?? 'missing';

test('a reply right after a teammate’s asks once, quoting it; sending again goes through', async (t) => {
  const { h, clock, ben, id, anaClient, outbound } = await setup(t);
  const page = await anaClient.get(`/conversations/${id}`);
  assert.equal(seenIn(page.body), '0', 'no reply yet');

  queueReply(h.app.domain, ben.actor, id, 'We **shipped** it today,\ntracking to follow.');
  clock.pass(20_000);
  const held = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'Your order is on its way', seen_reply: seenIn(page.body) },
    HX,
  );
  assert.equal(held.statusCode, 409);
  assert.match(held.body, /<form id="composer"/);
  assert.equal(
    askOf(held.body),
    'Ben replied 20 seconds ago: “We shipped it today, tracking to follow.”',
    'the teammate’s reply, as plain text',
  );
  assert.match(held.body, /<strong>Send anyway\?<\/strong>/);
  assert.match(held.body, /<button type="submit">Send anyway<\/button>/);
  assert.match(held.body, /<button type="submit" name="cancel" value="1"[^>]*>Cancel<\/button>/);
  assert.match(held.body, />Your order is on its way<\/textarea>/, 'the draft is kept');
  assert.equal(outbound('Ana'), 0, 'nothing sent');

  const sent = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'Your order is on its way', seen_reply: seenIn(held.body) },
    HX,
  );
  assert.equal(sent.statusCode, 200);
  assert.equal(outbound('Ana'), 1);
  assert.equal(askOf(sent.body), '');

  // My own replies never ask; a teammate's next one does, once more. Cancel keeps the draft and sends nothing.
  const mine = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'And thanks!', seen_reply: seenIn(held.body) },
    HX,
  );
  assert.equal(mine.statusCode, 200);
  queueReply(h.app.domain, ben.actor, id, 'A'.repeat(200));
  clock.pass(5 * 60_000);
  const again = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'One more thing', seen_reply: seenIn(mine.body) },
    HX,
  );
  assert.equal(again.statusCode, 409);
  assert.equal(askOf(again.body), `Ben replied 5 minutes ago: “${'A'.repeat(79)}…”`, 'a long reply cut');
  const cancelled = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'One more thing', seen_reply: seenIn(again.body), cancel: '1' },
    HX,
  );
  assert.equal(cancelled.statusCode, 200);
  assert.equal(askOf(cancelled.body), '');
  assert.match(cancelled.body, />One more thing<\/textarea>/);
  assert.equal(outbound('Ana'), 2, 'Cancel sent nothing');
  const after = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'One more thing', seen_reply: seenIn(cancelled.body) },
    HX,
  );
  assert.equal(after.statusCode, 200, 'asked once: the same reply does not ask again');
  assert.equal(outbound('Ana'), 3);
});

test('without JavaScript the page asks; in German; a form without the field sends; an outsider learns nothing', async (t) => {
  const { h, clock, ana, ben, otto, id, anaClient, outbound } = await setup(t);
  updateOwnSettings(h.app.domain, ana.actor, { name: 'Ana', locale: 'de' });
  queueReply(h.app.domain, ben.actor, id, 'Schon erledigt');
  clock.pass(3 * 3_600_000);

  const page = await anaClient.post(`/conversations/${id}/messages`, { body: 'Hallo', seen_reply: '0' });
  assert.equal(page.statusCode, 409);
  assert.match(page.body, /<html/);
  assert.match(askOf(page.body), /^Ben hat am .+ geantwortet: „Schon erledigt“$/);
  assert.match(page.body, /<strong>Trotzdem senden\?<\/strong>/);
  assert.match(page.body, />Abbrechen<\/button>/);

  const one = await anaClient.post(`/conversations/${id}/messages`, { body: 'Hallo', seen_reply: '0' }, HX);
  queueReply(h.app.domain, ben.actor, id, 'Noch etwas');
  clock.pass(1_000);
  const second = await anaClient.post(
    `/conversations/${id}/messages`,
    { body: 'Hallo', seen_reply: seenIn(one.body) },
    HX,
  );
  assert.equal(askOf(second.body), 'Ben hat vor 1 Sekunde geantwortet: „Noch etwas“');

  // A form from before the field existed (or a mangled one) has nothing to compare with: it sends.
  for (const seen of [undefined, 'abc']) {
    const res = await anaClient.post(
      `/conversations/${id}/messages`,
      { body: 'Hallo', ...(seen === undefined ? {} : { seen_reply: seen }) },
      HX,
    );
    assert.equal(res.statusCode, 200);
  }
  assert.equal(outbound('Ana'), 2);

  const outsider = await signedIn(h.app, otto.email);
  const refused = await outsider.post(`/conversations/${id}/messages`, { body: 'Hi', seen_reply: '0' }, HX);
  assert.equal(refused.statusCode, 404);
  assert.doesNotMatch(refused.body, /Schon erledigt|Noch etwas/);
  assert.equal(outbound('Otto'), 0);
});
