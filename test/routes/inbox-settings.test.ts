import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getInboxFor } from '../../src/domain/inboxes/service.ts';
import { buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { HX } from './steps.ts';

test("Manage inboxes → (inbox) has the inbox's assignment, round-robin and moving switches, each coming back there", async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const inbox = buildInbox(h, { name: 'Support', members: [admin] });
  const client = await signedIn(h.app, admin.email);
  const page = `/admin/inboxes/${inbox.id}`;
  const stored = () => getInboxFor(h.app.domain, admin.actor, inbox.id);

  const shown = (await client.get(page)).body;
  assert.match(shown, /Switch assignment (on|off)/);
  assert.match(shown, /Assign new conversations in turn \(round-robin\)/);
  assert.match(shown, /Allow moving|Stop moving/);
  assert.equal([...shown.matchAll(/name="from" value="admin"/g)].length, 3, 'each form knows its page');

  const assignmentWas = stored().assignmentEnabled;
  const switched = await client.post(`/inboxes/${inbox.id}/assignment`, {
    enabled: assignmentWas ? '0' : '1',
    from: 'admin',
  });
  assert.equal(switched.statusCode, 303);
  assert.equal(switched.headers.location, page);
  assert.equal(stored().assignmentEnabled, !assignmentWas);

  const moving = await client.post(`/inboxes/${inbox.id}/moving`, { enabled: '1', from: 'admin' });
  assert.equal(moving.headers.location, page);
  assert.equal(stored().movingEnabled, true);
  assert.match((await client.get(page)).body, /Stop moving/, 'the page shows what is stored');

  const roundRobin = await client.post(
    `/inboxes/${inbox.id}/auto-assign`,
    { enabled: '1', max_open: '7', from: 'admin' },
    HX,
  );
  assert.equal(roundRobin.statusCode, 200);
  assert.match(roundRobin.body, /Round-robin settings saved/);
  assert.match(roundRobin.body, /name="from" value="admin"/, 'the redrawn forms still come back here');
  assert.equal(stored().autoAssign, true);
  assert.equal(stored().maxOpenPerAgent, 7);
  const bad = await client.post(`/inboxes/${inbox.id}/auto-assign`, { enabled: '1', max_open: '0', from: 'admin' }, HX);
  assert.equal(bad.statusCode, 422);
  assert.match(bad.body, /Enter a whole number from 1 to 500/);
  assert.equal(stored().maxOpenPerAgent, 7);
  const plain = await client.post(`/inboxes/${inbox.id}/auto-assign`, { enabled: '0', max_open: '', from: 'admin' });
  assert.equal(plain.headers.location, page, 'without htmx, back to the page');

  // The inbox's list keeps them, coming back to the list.
  assert.match((await client.get(`/conversations?inbox=${inbox.id}`)).body, /Switch assignment (on|off)/);
  const fromList = await client.post(`/inboxes/${inbox.id}/moving`, { enabled: '0' });
  assert.equal(fromList.headers.location, `/conversations?inbox=${inbox.id}`);
});
