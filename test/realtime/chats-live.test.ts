import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { leaveChat } from '../../src/domain/chats/manage.ts';
import { postChatMessage } from '../../src/domain/chats/messages.ts';
import { buildChat, buildUser } from '../factories.ts';
import { buildTestApp, signedIn, until } from '../helper.ts';

/** A tab with the chat open: every fragment pushed after the catch-up one. */
function tab(url: string, cookie: string) {
  const received: string[] = [];
  const socket = new WebSocket(url, { headers: { cookie } });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('message', () => {
      socket.on('message', (more) => received.push((more as Buffer).toString()));
      resolve();
    });
    socket.once('error', reject);
  });
  return { socket, received, opened };
}

test('a chat message reaches the members with it open, and nobody else; leaving is told to those who stay', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as { port: number };
  const [mia, ana, ben, cleo] = await Promise.all([
    buildUser(h, { role: 'manager', name: 'Mia' }),
    buildUser(h, { name: 'Ana' }),
    buildUser(h, { name: 'Ben' }),
    buildUser(h, { name: 'Cleo' }),
  ]);
  const chat = buildChat(h, { by: mia, name: 'Ops', members: [ana, ben] });
  const open = async (user: { email: string }) => {
    const client = await signedIn(h.app, user.email);
    const t = tab(`ws://127.0.0.1:${port}/live?path=${encodeURIComponent(`/chats/${chat}`)}`, client.cookieHeader);
    await t.opened;
    return t;
  };
  const tabs = { mia: await open(mia), ana: await open(ana), ben: await open(ben), cleo: await open(cleo) };
  t.after(() => Object.values(tabs).forEach((x) => x.socket.close()));

  postChatMessage(h.app.domain, ana.actor, chat, 'secret plan');
  await until(
    () =>
      tabs.mia.received.some((f) => f.includes('secret plan')) &&
      tabs.ben.received.some((f) => f.includes('secret plan')),
    'the message at Mia’s and Ben’s',
  );
  assert.ok(
    tabs.ana.received.some((f) => f.includes('secret plan')),
    'and in the writer’s own tab',
  );
  assert.ok(!tabs.cleo.received.some((f) => f.includes('secret plan')), 'Cleo is not in the chat');

  const before = { mia: tabs.mia.received.length, ben: tabs.ben.received.length };
  leaveChat(h.app.domain, ana.actor, chat);
  await until(
    () =>
      tabs.mia.received.slice(before.mia).some((f) => f.includes('id="chat-header"')) &&
      tabs.ben.received.slice(before.ben).some((f) => f.includes('id="chat-header"')),
    'the new member list at the members who stay, though the one who left was first in line',
  );
  assert.ok(!tabs.mia.received.slice(before.mia).some((f) => /Members: [^<]*Ana/.test(f)), 'without Ana');
  postChatMessage(h.app.domain, ben.actor, chat, 'after she left');
  await until(() => tabs.mia.received.some((f) => f.includes('after she left')), 'the next message at Mia’s');
  assert.ok(!tabs.ana.received.some((f) => f.includes('after she left')), 'nothing more for the one who left');
});
