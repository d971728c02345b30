import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shownList, tabView } from '../../src/realtime/tab-view.ts';

test('a tab showing a conversation beside a list is told both: the conversation, and the list its query names', () => {
  const view = tabView('/conversations/7?view=mine&before=m12', 'Europe/Berlin');
  assert.equal(view.kind, 'conversation');
  assert.equal(view.kind === 'conversation' && view.id, 7);
  const list = shownList(view);
  assert.equal(list?.path, '/conversations?view=mine', "the conversation's own cursor is not the list's");
  assert.equal(list?.query.view, 'mine');
  assert.equal(list?.zone, 'Europe/Berlin');
  assert.equal(shownList(tabView('/conversations/7', 'UTC'))?.path, '/conversations', 'no query: the inbox');
  assert.equal(shownList(tabView('/conversations/7?view=nonsense', 'UTC')), null, 'a malformed list: none');
  assert.equal(shownList(tabView('/conversations?view=closed', 'UTC'))?.path, '/conversations?view=closed');
  assert.equal(shownList(tabView('/chats/3', 'UTC')), null);
});
