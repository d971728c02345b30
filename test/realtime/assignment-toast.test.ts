import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignConversation } from '../../src/domain/conversations/actions.ts';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { buildConversation, buildInbox, buildNumber, buildUser } from '../factories.ts';
import { buildTestApp, until } from '../helper.ts';
import { liveTab } from './tab.ts';

test('a manual assignment notifies the assignee with a live toast; assigning yourself notifies nobody', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const [ana, ben] = [await buildUser(h, { name: 'Ana' }), await buildUser(h, { name: 'Ben' })];
  const number = buildNumber(h, { inbox: buildInbox(h, { name: 'Support', members: [ana, ben] }) });
  const conv = buildConversation(h, { number, texts: ['Where is my parcel?'] });
  const anaTab = await liveTab(h, t, ana.email);
  const notificationsOf = (userId: number) =>
    h.sqlite.prepare('SELECT kind, actor_id AS actorId FROM notifications WHERE user_id = ?').all(userId);

  const version = () => getConversation(h.app.domain, ben.actor, conv.id).version;
  assignConversation(h.app.domain, ben.actor, conv.id, version(), ana.id);
  assert.deepEqual(notificationsOf(ana.id), [{ kind: 'assigned', actorId: ben.id }]);
  const toast = await until(() => anaTab.find((f) => f.includes('class="toast"')), "the toast in the assignee's tab");
  assert.match(toast, /Ben assigned you/);
  assert.match(toast, /Where is my parcel\?/);

  assignConversation(h.app.domain, ben.actor, conv.id, version(), ben.id);
  assert.deepEqual(notificationsOf(ben.id), [], 'nobody is told of their own action');
});
