import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  timelinePage,
  TIMELINE_PAGE,
  type TimelineCursor,
  type TimelineItem,
} from '../../src/domain/conversations/timeline.ts';
import { toggleReaction } from '../../src/domain/emoji/reactions.ts';
import { atTime, buildConversation, buildInbox, buildNote, buildUser } from '../factories.ts';
import { buildTestApp } from '../helper.ts';

/** A conversation with only its first text, at 1000; the tests add messages, events and notes at chosen times. */
async function setup(t: { after(fn: () => Promise<void>): void }) {
  const h = await buildTestApp();
  t.after(() => h.close());
  const [agent, outsider] = await Promise.all([buildUser(h, { name: 'Ana' }), buildUser(h, { name: 'Otto' })]);
  buildInbox(h, { members: [outsider] });
  const support = buildInbox(h, { members: [agent] });
  const { id } = atTime(h, 1000, () => buildConversation(h, { inbox: support, texts: ['first'] }));
  const message = (at: number, body: string) =>
    Number(
      h.sqlite
        .prepare(
          `INSERT INTO messages (conversation_id, direction, body, status, created_at, updated_at) VALUES (?, 'out', ?, 'sent', ?, ?)`,
        )
        .run(id, body, at, at).lastInsertRowid,
    );
  const event = (at: number, tag: string) =>
    Number(
      h.sqlite
        .prepare(`INSERT INTO conversation_events (conversation_id, kind, data, at) VALUES (?, 'tagged', ?, ?)`)
        .run(id, JSON.stringify({ tag }), at).lastInsertRowid,
    );
  const note = (at: number, body: string) =>
    atTime(h, at, () => buildNote(h, { conversation: id, author: agent, body }));
  return { h, agent, outsider, id, message, event, note };
}

const label = (item: TimelineItem): string =>
  item.kind === 'event' ? `event:${item.data?.tag}` : `${item.kind}:${item.body}`;

test('kinds merge by time; at the same millisecond a message comes before events, events before notes, each by id', async (t) => {
  const { h, agent, id, message, event, note } = await setup(t);
  // Written in an order unlike the timeline's, several of them at 2000.
  note(2000, 'n1');
  event(2000, 'e1');
  message(2000, 'm1');
  event(1500, 'e0');
  note(2000, 'n2');
  message(2000, 'm2');
  message(3000, 'm3');
  event(2000, 'e2');
  const page = timelinePage(h.app.domain, agent.actor, id);
  assert.deepEqual(page.items.map(label), [
    'message:first',
    'event:e0',
    'message:m1',
    'message:m2',
    'event:e1',
    'event:e2',
    'note:n1',
    'note:n2',
    'message:m3',
  ]);
  assert.equal(page.earlier, null, 'everything fits on the first page');
});

test('pages walk back through equal timestamps without repeating or skipping, and the last page says so', async (t) => {
  const { h, agent, id, message, event, note } = await setup(t);
  // 4 items at every time, across all kinds: page boundaries fall inside groups of equal time.
  for (let at = 2000; at < 2020; at++) {
    message(at, `m${at}`);
    event(at, `e${at}`);
    note(at, `n${at}`);
    message(at, `m${at}b`);
  }
  const all = timelinePage(h.app.domain, agent.actor, id, undefined, 1000).items.map(label);
  assert.equal(all.length, 81);
  for (const size of [1, 3, 7, 50]) {
    const seen: string[] = [];
    let cursor: TimelineCursor | undefined;
    let pages = 0;
    for (;;) {
      const page = timelinePage(h.app.domain, agent.actor, id, cursor, size);
      assert.ok(page.items.length <= size);
      seen.unshift(...page.items.map(label));
      pages++;
      if (!page.earlier) break;
      assert.equal(page.items.length, size, 'only the last page is short');
      cursor = page.earlier;
    }
    assert.deepEqual(seen, all, `pages of ${size} put together are the whole timeline`);
    assert.equal(pages, Math.ceil(81 / size));
  }
});

test('a conversation of exactly one page has nothing earlier; one more item and the first is on the page before', async (t) => {
  const { h, agent, id, message } = await setup(t);
  for (let i = 1; i < TIMELINE_PAGE; i++) message(1000 + i, `m${i}`);
  const full = timelinePage(h.app.domain, agent.actor, id);
  assert.equal(full.items.length, TIMELINE_PAGE);
  assert.equal(full.earlier, null);
  message(5000, 'newest');
  const newest = timelinePage(h.app.domain, agent.actor, id);
  assert.equal(newest.items.length, TIMELINE_PAGE);
  assert.equal(label(newest.items.at(-1)!), 'message:newest');
  assert.deepEqual(newest.earlier, { at: 1001, kind: 'message', id: newest.items[0]!.id });
  const before = timelinePage(h.app.domain, agent.actor, id, newest.earlier);
  assert.deepEqual(before.items.map(label), ['message:first']);
  assert.equal(before.earlier, null);
});

test('the messages shown carry their reactions; someone outside the inbox gets 404', async (t) => {
  const { h, agent, outsider, id, message } = await setup(t);
  const liked = message(2000, 'liked');
  toggleReaction(h.app.domain, agent.actor, liked, '👍');
  const item = timelinePage(h.app.domain, agent.actor, id).items.find((i) => i.id === liked && i.kind === 'message');
  assert.ok(item?.kind === 'message');
  assert.deepEqual(
    item.reactions.map((r) => r.names),
    [['Ana']],
  );
  assert.throws(() => timelinePage(h.app.domain, outsider.actor, id), { status: 404 });
});
