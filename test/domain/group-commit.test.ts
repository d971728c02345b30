import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventBus } from '../../src/domain/events.ts';
import { createGroupCommit } from '../../src/domain/group-commit.ts';
import { buildTestApp } from '../helper.ts';

test('writes asked for in one turn commit together; one that throws is undone and rejected alone', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  h.sqlite.exec('CREATE TABLE jots (v TEXT NOT NULL)');
  const insert = h.sqlite.prepare('INSERT INTO jots (v) VALUES (?)');
  const group = createGroupCommit(h.app.domain);
  const announced: number[] = [];
  h.app.domain.events.on('user.changed', ({ userId }) => {
    assert.equal(h.sqlite.inTransaction, false, 'announced after the commit');
    announced.push(userId);
  });
  const write = (v: string, userId: number, fail = false) =>
    group.run(() => {
      insert.run(v);
      h.app.domain.events.emit('user.changed', { userId });
      if (fail) throw new Error(`no ${v}`);
      return v;
    });
  const results = await Promise.allSettled([write('a', 1), write('b', 2, true), write('c', 3)]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['a', 'no b', 'c'],
  );
  assert.deepEqual(h.sqlite.prepare('SELECT v FROM jots').pluck().all(), ['a', 'c']);
  assert.deepEqual(announced, [1, 3], 'the undone write announced nothing');
});

test('a commit that fails rejects every write of the batch and announces none of them', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const group = createGroupCommit(h.app.domain);
  const announced: number[] = [];
  h.app.domain.events.on('user.changed', ({ userId }) => announced.push(userId));
  // A deferred foreign key violation surfaces at COMMIT, after every write succeeded.
  h.sqlite.exec(
    'CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)',
  );
  const results = await Promise.allSettled([
    group.run(() => h.app.domain.events.emit('user.changed', { userId: 1 })),
    group.run(() => {
      h.sqlite.prepare('INSERT INTO child (p) VALUES (42)').run();
      h.app.domain.events.emit('user.changed', { userId: 2 });
    }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.deepEqual(announced, []);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM child').pluck().get(), 0);
});

test('collect holds events until the outermost collect returns, and drops those of a collect that threw', () => {
  const bus = createEventBus(() => {});
  const seen: number[] = [];
  bus.on('user.changed', ({ userId }) => seen.push(userId));
  bus.collect(() => {
    bus.emit('user.changed', { userId: 1 });
    assert.throws(() =>
      bus.collect(() => {
        bus.emit('user.changed', { userId: 2 });
        throw new Error('undone');
      }),
    );
    bus.collect(() => bus.emit('user.changed', { userId: 3 }));
    assert.deepEqual(seen, [], 'nothing before the outer collect returns');
  });
  assert.deepEqual(seen, [1, 3]);
  bus.emit('user.changed', { userId: 4 });
  assert.deepEqual(seen, [1, 3, 4]);
});
