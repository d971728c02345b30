import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEAM_BOOK } from '../../src/domain/contacts/book.ts';
import {
  createContact,
  getContact,
  linkContact,
  listFavourites,
  searchContacts,
  setFavourite,
  updateContact,
} from '../../src/domain/contacts/service.ts';
import { startConversation } from '../../src/domain/conversations/start.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { setMembers } from '../../src/domain/inboxes/service.ts';
import { buildConversation, buildInbox, buildNumber, buildUser, receiveText } from '../factories.ts';
import { buildTestApp } from '../helper.ts';

test('contacts: visible through a conversation one may see, or to all when they have none', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const [admin, ana, otto] = await Promise.all([
    buildUser(h, { role: 'admin' }),
    buildUser(h, { name: 'Ana' }),
    buildUser(h, { name: 'Otto' }),
  ]);
  const support = buildInbox(h, { members: [ana] });
  buildInbox(h, { members: [otto] });
  const texted = buildConversation(h, { inbox: support, from: '+15557654321' });
  const personal = buildConversation(h, { number: buildNumber(h, { owner: ana }), from: '+15557650000' });
  const contactOf = (conversationId: number) => getConversation(h.app.domain, ana.actor, conversationId).contactId;
  const carla = contactOf(texted.id);
  const pia = contactOf(personal.id);
  updateContact(h.app.domain, ana.actor, carla, { name: 'Carla' });
  updateContact(h.app.domain, ana.actor, pia, { name: 'Pia' });
  const notFound = (fn: () => unknown) =>
    assert.throws(fn, (e: unknown) => e instanceof DomainError && e.status === 404);

  const names = (actor: typeof ana.actor, book: number) =>
    searchContacts(h.app.domain, actor, '+1555765', book).map((c) => c.name);
  assert.deepEqual(names(ana.actor, TEAM_BOOK), ['Carla']);
  assert.deepEqual(names(ana.actor, ana.id), ['Pia'], 'her own book');
  assert.deepEqual(names(admin.actor, ana.id), [], 'personal texts stay personal, even for admins');
  assert.deepEqual(names(admin.actor, TEAM_BOOK), ['Carla']);
  assert.deepEqual(names(otto.actor, TEAM_BOOK), []);
  notFound(() => getContact(h.app.domain, admin.actor, pia));
  notFound(() => getContact(h.app.domain, otto.actor, carla));
  notFound(() => updateContact(h.app.domain, otto.actor, carla, { name: 'Hijacked' }));
  notFound(() => setFavourite(h.app.domain, otto.actor, carla, true));
  assert.equal(getContact(h.app.domain, ana.actor, carla).name, 'Carla');

  setFavourite(h.app.domain, ana.actor, carla, true);
  setMembers(h.app.domain, admin.actor, support.id, []);
  assert.deepEqual(listFavourites(h.app.domain, ana.actor), [], 'out of the inbox, out of sight — favourites too');

  const willa = createContact(h.app.domain, otto.actor, { name: 'Willa', phones: '+15554443333' });
  assert.equal(getContact(h.app.domain, ana.actor, willa.id).name, 'Willa', 'a hand-made entry is everyone’s');
});

test('contacts are split by book: a number has one contact in the team’s book and one in each personal book, never linked across', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const ana = await buildUser(h, { name: 'Ana' });
  const teamNumber = buildNumber(h, { inbox: buildInbox(h, { members: [ana] }) });
  const cell = buildNumber(h, { owner: ana });
  const seen = (conversationId: number) => getConversation(h.app.domain, ana.actor, conversationId);
  const contactOf = (conversationId: number) => seen(conversationId).contactId;
  const version = (conversationId: number) => seen(conversationId).version;
  const shared = receiveText(h, { from: '+15557654321', to: teamNumber, text: 'hi team' });
  const personal = receiveText(h, { from: '+15557654321', to: cell, text: 'hi Ana' });
  const [team, mine] = [contactOf(shared.conversationId), contactOf(personal.conversationId)];
  assert.notEqual(team, mine);
  assert.deepEqual(
    [getContact(h.app.domain, ana.actor, team).book, getContact(h.app.domain, ana.actor, mine).book],
    [TEAM_BOOK, ana.id],
  );

  // The same number in both books is no conflict; within a book it is.
  updateContact(h.app.domain, ana.actor, mine, { name: 'Pia', phones: '+15557654321\n+15550001111' });
  updateContact(h.app.domain, ana.actor, team, { name: 'Carla', phones: '+15557654321\n+15550001111' });
  const taken = createContact(h.app.domain, ana.actor, { name: 'Other' });
  assert.throws(
    () => updateContact(h.app.domain, ana.actor, taken.id, { phones: '+15550001111' }),
    (e: unknown) => e instanceof DomainError && e.status === 409,
  );

  const notFound = (fn: () => unknown) =>
    assert.throws(fn, (e: unknown) => e instanceof DomainError && e.status === 404);
  notFound(() => linkContact(h.app.domain, ana.actor, personal.conversationId, version(personal.conversationId), team));
  notFound(() => linkContact(h.app.domain, ana.actor, shared.conversationId, version(shared.conversationId), mine));
  assert.deepEqual([contactOf(shared.conversationId), contactOf(personal.conversationId)], [team, mine]);

  // Picking her personal contact to text from the team's number: the team's contact for the number, nothing copied.
  const quinn = receiveText(h, { from: '+15552220000', to: cell, text: 'Quinn here' });
  updateContact(h.app.domain, ana.actor, contactOf(quinn.conversationId), { name: 'Quinn Quiet', notes: 'mine alone' });
  const started = startConversation(h.app.domain, ana.actor, {
    numberId: teamNumber.id,
    contactId: contactOf(quinn.conversationId),
    body: 'Hello',
  });
  const teamQuinn = getContact(h.app.domain, ana.actor, contactOf(started.conversationId));
  assert.deepEqual(
    { ...teamQuinn, id: 0 },
    {
      id: 0,
      book: TEAM_BOOK,
      name: null,
      email: null,
      company: null,
      notes: null,
      timeZone: null,
      phones: ['+15552220000'],
    },
  );
});
