import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import { canSeeInbox, inboxAudience } from '../../src/domain/inboxes/access.ts';
import { createInbox, getInboxFor, listInboxesFor, renameInbox, setMembers } from '../../src/domain/inboxes/service.ts';
import { buildInbox, buildNumber, buildUser, type World } from '../factories.ts';
import { buildTestApp } from '../helper.ts';

const status = (fn: () => unknown): number => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.status;
    throw err;
  }
  return 200;
};

/** An admin, an agent and a manager. */
const team = (w: World) =>
  Promise.all([buildUser(w, { role: 'admin' }), buildUser(w), buildUser(w, { role: 'manager' })]);

test('an agent sees only the inboxes they are a member of, also by guessing ids', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const d = h.app.domain;
  const [admin, agent, manager] = await team(h);
  const sales = buildInbox(h, { name: 'Sales' });
  const support = buildInbox(h, { name: 'Support', members: [agent] });

  assert.deepEqual(
    listInboxesFor(d, agent.actor).map((i) => i.name),
    ['Support'],
  );
  assert.deepEqual(listInboxesFor(d, manager.actor), []);
  assert.deepEqual(
    listInboxesFor(d, admin.actor).map((i) => i.name),
    ['Sales', 'Support'],
  );
  assert.equal(getInboxFor(d, agent.actor, support.id).name, 'Support');
  assert.equal(
    status(() => getInboxFor(d, agent.actor, sales.id)),
    404,
    'another inbox is not found, not forbidden',
  );
  assert.equal(
    status(() => getInboxFor(d, agent.actor, 999_999)),
    404,
  );
  assert.equal(canSeeInbox(d, agent.actor, sales.id), false);
  assert.deepEqual(inboxAudience(d, support.id).sort(), [admin.id, agent.id].sort());
});

test('only admins create, rename and staff inboxes', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const d = h.app.domain;
  const [admin, agent, manager] = await team(h);
  const inbox = buildInbox(h, { name: 'Support', members: [agent, manager] });
  for (const actor of [agent.actor, manager.actor]) {
    assert.equal(
      status(() => createInbox(d, actor, { name: 'Mine' })),
      403,
    );
    assert.equal(
      status(() => renameInbox(d, actor, inbox.id, { name: 'Hacked' })),
      403,
    );
    assert.equal(
      status(() => setMembers(d, actor, inbox.id, [actor.id])),
      403,
    );
  }
  assert.equal(getInboxFor(d, admin.actor, inbox.id).name, 'Support');
});

test('inbox names are checked and unique regardless of case', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const d = h.app.domain;
  const admin = await buildUser(h, { role: 'admin' });
  buildInbox(h, { name: 'Support' });
  assert.equal(
    status(() => createInbox(d, admin.actor, { name: 'support' })),
    409,
  );
  assert.equal(
    status(() => createInbox(d, admin.actor, { name: '   ' })),
    422,
  );
  assert.equal(
    status(() => createInbox(d, admin.actor, { name: 'x'.repeat(81) })),
    422,
  );
  const odd = createInbox(d, admin.actor, { name: `Robert'); DROP TABLE inboxes;--` });
  assert.equal(odd.name, `Robert'); DROP TABLE inboxes;--`);
});

test('setting members with an unknown user changes nothing', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const d = h.app.domain;
  const [admin, agent] = await Promise.all([buildUser(h, { role: 'admin' }), buildUser(h)]);
  const inbox = buildInbox(h, { members: [agent] });
  assert.equal(
    status(() => setMembers(d, admin.actor, inbox.id, [999_999])),
    422,
  );
  assert.deepEqual(
    listInboxesFor(d, agent.actor).map((i) => i.id),
    [inbox.id],
  );
});

test('a private inbox is seen by its owner only, admins included, and is not staffed by hand', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const d = h.app.domain;
  const [admin, ana, bo] = await Promise.all([buildUser(h, { role: 'admin' }), buildUser(h), buildUser(h)]);
  const shared = buildInbox(h, { members: [ana] });
  const mine = { id: buildNumber(h, { owner: ana }).inboxId };
  assert.deepEqual(
    listInboxesFor(d, ana.actor).map((i) => i.id),
    [shared.id, mine.id],
    'shared first, then the private one',
  );
  assert.equal(canSeeInbox(d, bo.actor, mine.id), false);
  assert.equal(canSeeInbox(d, admin.actor, mine.id), false, 'personal texts are personal');
  assert.ok(!listInboxesFor(d, admin.actor).some((i) => i.id === mine.id));
  assert.deepEqual(inboxAudience(d, mine.id), [ana.id]);
  assert.equal(
    status(() => setMembers(d, admin.actor, mine.id, [bo.id])),
    404,
  );
  assert.equal(
    status(() => renameInbox(d, admin.actor, mine.id, { name: 'Taken over' })),
    404,
  );
});
