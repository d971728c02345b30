import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillPlaceholders, unknownPlaceholders, valuesFor } from '../../src/domain/canned/placeholders.ts';
import {
  cannedBook,
  cannedByKeyword,
  cannedFor,
  createCanned,
  deleteCanned,
  fillCanned,
  updateCanned,
} from '../../src/domain/canned/service.ts';
import { updateContact } from '../../src/domain/contacts/service.ts';
import { getConversation } from '../../src/domain/conversations/queries.ts';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { buildTestApp, refusal } from '../helper.ts';

test('placeholders: filled from the conversation; a missing value leaves no braces or stray spaces; unknown ones are named', () => {
  const values = valuesFor({
    contactName: 'Carla Maria Customer',
    company: null,
    phone: '+15557654321',
    agentName: 'Ana Agent',
    inboxName: 'Support',
  });
  assert.equal(
    fillPlaceholders(
      'Hi {{contact.first_name}} {{ contact.last_name }}, {{agent.first_name}} from {{inbox.name}} here.',
      values,
    ),
    'Hi Carla Maria Customer, Ana from Support here.',
  );
  const unnamed = valuesFor({
    contactName: null,
    company: null,
    phone: '+15557654321',
    agentName: 'Ana',
    inboxName: null,
  });
  assert.equal(fillPlaceholders('Hi {{contact.first_name}}, thanks!', unnamed), 'Hi, thanks!');
  assert.equal(
    fillPlaceholders('Dear {{contact.name}} at {{contact.company}} — {{inbox.name}}\nBye {{agent.name}}', unnamed),
    'Dear at —\nBye Ana',
  );
  assert.deepEqual(unknownPlaceholders('{{contact.name}} {{contact.nickname}} {{agent.name}}'), ['contact.nickname']);
});

async function setup() {
  const h = await buildTestApp();
  const [manager, ana, ben] = await Promise.all([
    buildUser(h, { role: 'manager', name: 'Mia' }),
    buildUser(h, { name: 'Ana Agent' }),
    buildUser(h, { name: 'Ben' }),
  ]);
  const support = buildInbox(h, { name: 'Support', members: [manager, ana, ben] }).id;
  const sales = buildInbox(h, { name: 'Sales', members: [manager] }).id;
  const conversationId = buildConversation(h, { inbox: 'Support', texts: ['hi'] }).id;
  return { h, manager, ana, ben, support, sales, conversationId };
}

test('canned replies: managers keep shared ones, everyone keeps their own; rights and keywords are checked', async (t) => {
  const { h, manager, ana, ben, support, sales, conversationId } = await setup();
  t.after(() => h.close());
  const d = h.app.domain;
  const shared = createCanned(
    d,
    manager.actor,
    { inboxId: support },
    {
      title: 'Greeting',
      keyword: '/hello',
      body: 'Hi {{contact.first_name}}, {{agent.first_name}} from {{inbox.name}} here.',
    },
  );
  assert.equal(shared.keyword, 'hello', 'the slash is not part of the keyword');
  createCanned(d, manager.actor, { inboxId: sales }, { title: 'Quote', keyword: 'quote', body: 'Your quote' });
  assert.equal(
    refusal(() => createCanned(d, ana.actor, { inboxId: support }, { title: 'x', keyword: 'x', body: 'x' })),
    '403 error.forbidden',
    'agents do not keep shared ones',
  );
  assert.equal(
    refusal(() => createCanned(d, ana.actor, { inboxId: sales }, { title: 'x', keyword: 'x', body: 'x' })),
    '404 error.not_found',
    'nor see other inboxes',
  );
  assert.equal(
    refusal(() =>
      createCanned(d, manager.actor, { inboxId: support }, { title: 'Again', keyword: 'HELLO', body: 'x' }),
    ),
    '409 canned.keyword_taken',
  );
  assert.equal(
    refusal(() =>
      createCanned(
        d,
        manager.actor,
        { inboxId: support },
        { title: 'Typo', keyword: 'typo', body: '{{contact.nickname}}' },
      ),
    ),
    '422 canned.placeholder_unknown',
  );
  assert.equal(
    refusal(() => createCanned(d, manager.actor, { inboxId: support }, { title: '', keyword: 'ok', body: 'x' })),
    '422 canned.title_invalid',
  );
  assert.equal(
    refusal(() =>
      createCanned(d, manager.actor, { inboxId: support }, { title: 'Two words', keyword: 'two words', body: 'x' }),
    ),
    '422 canned.keyword_invalid',
  );
  const mine = createCanned(d, ana.actor, 'personal', {
    title: 'My sign-off',
    keyword: 'bye',
    body: 'Cheers, {{agent.name}}',
  });
  createCanned(d, ben.actor, 'personal', { title: 'Ben hello', keyword: 'hello', body: 'Ben says hi' });

  assert.deepEqual(
    cannedFor(d, ana.actor, conversationId).map((r) => r.title),
    ['My sign-off', 'Greeting'],
    'own first, then the inbox’s; not Sales’, not Ben’s',
  );
  assert.deepEqual(
    cannedFor(d, ana.actor, conversationId, 'sign').map((r) => r.id),
    [mine.id],
  );
  assert.equal(
    cannedByKeyword(d, ben.actor, conversationId, 'HELLO')?.title,
    'Ben hello',
    'a personal keyword wins a tie',
  );
  assert.equal(cannedByKeyword(d, ana.actor, conversationId, 'hello')?.id, shared.id);

  assert.equal(
    fillCanned(d, ana.actor, conversationId, shared.id),
    'Hi, Ana from Support here.',
    'an unnamed contact leaves no braces',
  );
  updateContact(d, ana.actor, getConversation(d, ana.actor, conversationId).contactId, { name: 'Carla Customer' });
  assert.equal(fillCanned(d, ana.actor, conversationId, shared.id), 'Hi Carla, Ana from Support here.');
  assert.equal(
    refusal(() => fillCanned(d, ben.actor, conversationId, mine.id)),
    '404 error.not_found',
    'someone else’s quick reply',
  );

  assert.equal(
    refusal(() => updateCanned(d, ana.actor, shared.id, { title: 'x', keyword: 'x', body: 'x' })),
    '403 error.forbidden',
  );
  assert.equal(
    refusal(() => updateCanned(d, ben.actor, mine.id, { title: 'x', keyword: 'x', body: 'x' })),
    '404 error.not_found',
  );
  assert.equal(
    refusal(() => deleteCanned(d, ben.actor, mine.id)),
    '404 error.not_found',
  );
  updateCanned(d, manager.actor, shared.id, { title: 'Greeting', keyword: 'hi', body: 'Hello!' });
  const book = cannedBook(d, ana.actor);
  assert.deepEqual(
    book.shared.map((s) => [s.inboxName, s.mayManage, s.replies.map((r) => r.keyword)]),
    [['Support', false, ['hi']]],
  );
  assert.deepEqual(
    book.personal.map((r) => r.keyword),
    ['bye'],
  );
  deleteCanned(d, ana.actor, mine.id);
  assert.deepEqual(cannedBook(d, ana.actor).personal, []);
});
