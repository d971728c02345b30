import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createContact, getContact, listFavourites, searchContacts, setFavourite, updateContact } from '../../src/domain/contacts/service.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { createInbox, setMembers } from '../../src/domain/inboxes/service.ts';
import { receiveSms } from '../../src/domain/messaging/inbound.ts';
import { defaultKeywordTexts } from '../../src/domain/messaging/texts.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { addUser, buildTestApp } from '../helper.ts';

test('contacts: visible through a conversation one may see, or to all when they have none', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const admin = await addUser(h.app, 'admin');
  const ana = await addUser(h.app, 'agent', 'Ana');
  const otto = await addUser(h.app, 'agent', 'Otto');
  syncNumbers(h.app.domain, [
    { e164: '+15551230000', smpp: 'sandbox', inbox: 'Support', registration: 'registered', throughput: 0 },
    { e164: '+15551239999', smpp: 'sandbox', owner: ana.email, registration: 'registered', throughput: 0 },
  ]);
  const support = h.sqlite.prepare(`SELECT id FROM inboxes WHERE name = 'Support'`).pluck().get() as number;
  setMembers(h.app.domain, admin.actor, support, [ana.id]);
  setMembers(h.app.domain, admin.actor, createInbox(h.app.domain, admin.actor, { name: 'Other' }).id, [otto.id]);
  const texted = receiveSms(h.app.domain, { from: '+15557654321', to: '+15551230000', text: 'hi' }, () => defaultKeywordTexts);
  const personal = receiveSms(h.app.domain, { from: '+15557650000', to: '+15551239999', text: 'private' }, () => defaultKeywordTexts);
  assert.ok(texted.stored && personal.stored);
  const contactOf = (conversationId: number) => h.sqlite.prepare('SELECT contact_id FROM conversations WHERE id = ?').pluck().get(conversationId) as number;
  const carla = contactOf(texted.conversationId);
  const pia = contactOf(personal.conversationId);
  updateContact(h.app.domain, ana.actor, carla, { name: 'Carla' });
  updateContact(h.app.domain, ana.actor, pia, { name: 'Pia' });
  const notFound = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof DomainError && e.status === 404);

  assert.deepEqual(searchContacts(h.app.domain, ana.actor, '+1555765').map((c) => c.name).sort(), ['Carla', 'Pia']);
  assert.deepEqual(searchContacts(h.app.domain, admin.actor, '+1555765').map((c) => c.name), ['Carla'], 'personal texts stay personal, even for admins');
  assert.deepEqual(searchContacts(h.app.domain, otto.actor, '+1555765'), []);
  notFound(() => getContact(h.app.domain, otto.actor, carla));
  notFound(() => updateContact(h.app.domain, otto.actor, carla, { name: 'Hijacked' }));
  notFound(() => setFavourite(h.app.domain, otto.actor, carla, true));
  assert.equal(getContact(h.app.domain, ana.actor, carla).name, 'Carla');

  setFavourite(h.app.domain, ana.actor, carla, true);
  setMembers(h.app.domain, admin.actor, support, []);
  assert.deepEqual(listFavourites(h.app.domain, ana.actor), [], 'out of the inbox, out of sight — favourites too');

  const willa = createContact(h.app.domain, otto.actor, { name: 'Willa', phones: '+15554443333' });
  assert.equal(getContact(h.app.domain, ana.actor, willa.id).name, 'Willa', 'a hand-made entry is everyone’s');
});
