import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { renameInbox } from '../../src/domain/inboxes/service.ts';
import { setStatus } from '../../src/domain/users/presence.ts';
import { updateOwnSettings } from '../../src/domain/users/service.ts';
import { buildChat, buildInbox, buildUser, SETUP } from '../factories.ts';
import { buildTestApp, until } from '../helper.ts';
import { liveTab } from './tab.ts';

test("fragments pushed over /live are in the user's language, whatever the socket's handshake asked for", async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const jana = await buildUser(h, { name: 'Jana' });
  updateOwnSettings(h.app.domain, jana.actor, { name: 'Jana', locale: 'de' });
  const inbox = buildInbox(h, { members: [jana] });
  const received = await liveTab(h, t, jana.email, 'path=%2Fsettings&lang=en');

  renameInbox(h.app.domain, SETUP, inbox.id, { name: 'Hilfe' });
  const nav = await until(() => received.find((f) => f.includes('>Hilfe<')), 'the nav pushed after the rename');
  assert.match(nav, /Mir zugewiesen/);
  assert.match(nav, /Geschlossen/);
  assert.match(nav, /Einstellungen/);
  assert.doesNotMatch(nav, /Assigned to me|Settings/);

  setStatus(h.app.domain, jana.actor, { availability: 'away', statusMessage: '' });
  const availability = await until(
    () => received.find((f) => f.includes('id="availability-field"') && /value="away"\s+checked/.test(f)),
    'the availability pushed after the change',
  );
  assert.match(availability, /Verfügbarkeit/);
  assert.match(availability, /Abwesend/);
  assert.doesNotMatch(availability, /Availability|Away/);

  // A change of language is followed by the tabs already open.
  received.length = 0;
  updateOwnSettings(h.app.domain, jana.actor, { name: 'Jana', locale: 'en' });
  const english = await until(() => received.find((f) => f.includes('id="nav"')), 'the nav pushed after the change');
  assert.match(english, /Assigned to me/);
});

test('without a language of their own, a tab is pushed the language its page was drawn in', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const jan = await buildUser(h, { name: 'Jan' });
  const inbox = buildInbox(h, { members: [jan] });
  const received = await liveTab(h, t, jan.email, 'path=%2Fconversations&lang=de');
  assert.match(received[0]!, /Posteingang/);
  renameInbox(h.app.domain, SETUP, inbox.id, { name: 'Hilfe' });
  const nav = await until(() => received.find((f) => f.includes('>Hilfe<')), 'the nav pushed after the rename');
  assert.match(nav, /Mir zugewiesen/);
});

test("counts pushed live take the plural form of the user's language", async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const [jana, ben] = [await buildUser(h, { name: 'Jana' }), await buildUser(h, { name: 'Ben' })];
  updateOwnSettings(h.app.domain, jana.actor, { name: 'Jana', locale: 'de' });
  const received = await liveTab(h, t, jana.email, 'path=%2Fconversations&lang=en');
  const chat = buildChat(h, { by: ben, members: [jana] });
  const badge = (n: number) => (f: string) => new RegExp(`id="nav-chats-unread"[^>]*data-unread-count="${n}"`).test(f);

  postChatMessage(h.app.domain, ben.actor, chat, 'Hast du kurz Zeit?');
  assert.match(await until(() => received.find(badge(1)), 'one unread'), />1 ungelesene Chat-Nachricht</);
  postChatMessage(h.app.domain, ben.actor, chat, 'Es geht um Frau Meier.');
  assert.match(await until(() => received.find(badge(2)), 'two unread'), />2 ungelesene Chat-Nachrichten</);
});
