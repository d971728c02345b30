import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { updateOwnSettings } from '../../src/domain/users/service.ts';
import { TYPING_MS } from '../../src/realtime/collision.ts';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { buildTestApp, signedIn, until, type TestApp } from '../helper.ts';

/** A tab showing `path`, live: what was pushed to it after its catch-up, and the line above its composer as it is now. */
function tab(port: number, path: string, cookie: string) {
  const received: string[] = [];
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live?path=${encodeURIComponent(path)}`, { headers: { cookie } });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('message', () => {
      socket.on('message', (more) => received.push((more as Buffer).toString()));
      resolve();
    });
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    opened,
    /** The text of the newest collision line, tags left out, pushed for `conversationId` ('' for an empty one, null for none). */
    line(conversationId: number): string | null {
      const pattern = new RegExp(`<p id="collision-${conversationId}"[^>]*>([\\s\\S]*?)</p>`, 'g');
      const last = received.flatMap((html) => [...html.matchAll(pattern)]).at(-1);
      return last
        ? last[1]!
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
        : null;
    },
    typing: () => socket.send(JSON.stringify({ typing: true, headers: { 'HX-Request': 'true' } })),
  };
}

async function world(h: TestApp) {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const [ana, ben, otto] = await Promise.all([
    buildUser(h, { name: 'Ana <b>' }),
    buildUser(h, { name: 'Ben' }),
    buildUser(h, { name: 'Otto' }),
  ]);
  const support = buildInbox(h, { name: 'Support', members: [ana, ben] });
  const { id } = buildConversation(h, { inbox: support, texts: ['Where is my order?'] });
  const open = async (user: { email: string }, path = `/conversations/${id}`) => {
    const t = tab(port, path, (await signedIn(h.app, user.email)).cookieHeader);
    await t.opened;
    return t;
  };
  const other = buildConversation(h, { inbox: support, texts: ['Another question'] }).id;
  return { ana, ben, otto, id, other, open };
}

test('who views and who types a reply reaches the teammates with the conversation open, never oneself or an outsider', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const { ana, ben, otto, id, other, open } = await world(h);

  const benTab = await open(ben);
  // Otto may not see Support: a tab that claims to show the conversation counts for nothing and hears nothing.
  const ottoTab = await open(otto);
  const benList = await open(ben, '/conversations');
  const benOther = await open(ben, `/conversations/${other}`);
  t.after(() => [benTab, ottoTab, benList, benOther].forEach((x) => x.socket.close()));
  await until(() => benTab.line(id) === '', 'Ben alone: an empty line');

  const anaTab = await open(ana);
  t.after(() => anaTab.socket.close());
  await until(() => benTab.line(id) === 'Ana &lt;b&gt; is viewing', 'Ben sees Ana viewing, her name escaped');
  await until(() => anaTab.line(id) === 'Ben is viewing', 'Ana sees Ben, not herself');

  anaTab.typing();
  await until(() => benTab.line(id) === 'Ana &lt;b&gt; is typing a reply', 'Ben sees Ana typing');
  await until(() => anaTab.line(id) === 'Ben is viewing', 'Ana is not told of her own typing');

  // Otto's signals change nothing; a second signal from Ana within the same burst draws nothing new.
  ottoTab.typing();
  anaTab.typing();
  const before = benTab.received.length;
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(benTab.received.length, before, 'nothing new for Ben');

  await until(() => benTab.line(id) === 'Ana &lt;b&gt; is viewing', 'the typing expires', TYPING_MS + 5_000);

  // Leaving the page closes its socket: the teammate's line clears.
  anaTab.socket.close();
  await until(() => benTab.line(id) === '', 'Ana left');

  for (const x of [ottoTab, benList]) {
    assert.ok(!x.received.some((html) => html.includes('collision-')), 'no line for an outsider or a list');
  }
  assert.ok(
    benOther.received.every((html) => !html.includes(`collision-${id}`)),
    'another conversation’s tab hears nothing of this one',
  );
  assert.ok(!benTab.received.some((html) => html.includes('Otto')), 'the outsider is never named');
});

test('the line is in the reader’s language and lists several teammates', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const { ana, ben, id, open } = await world(h);
  const mia = await buildUser(h, { role: 'admin', name: 'Mia' });
  updateOwnSettings(h.app.domain, ben.actor, { name: 'Ben', locale: 'de' });

  const benTab = await open(ben);
  const [anaTab, miaTab] = [await open(ana), await open(mia)];
  t.after(() => [benTab, anaTab, miaTab].forEach((x) => x.socket.close()));
  await until(
    () => benTab.line(id) === 'Ana &lt;b&gt; und Mia sehen sich die Unterhaltung an',
    'two viewers, in German',
  );

  anaTab.typing();
  miaTab.typing();
  await until(() => benTab.line(id) === 'Ana &lt;b&gt; und Mia schreiben eine Antwort', 'two typing, in German');
  await until(() => miaTab.line(id) === 'Ana &lt;b&gt; is typing a reply Ben is viewing', 'Mia: Ana types, Ben views');

  // Mia's reply ends her typing at once, long before it would expire; Ana still types.
  anaTab.typing();
  queueReply(h.app.domain, mia.actor, id, 'On its way');
  await until(
    () => benTab.line(id) === 'Ana &lt;b&gt; schreibt eine Antwort Mia sieht sich die Unterhaltung an',
    'Mia replied',
    TYPING_MS / 2,
  );
});
