import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { CLOSE_SIGNED_OUT, createHub, FORM_TOKEN, type LiveClient } from '../../src/realtime/hub.ts';
import { tabView } from '../../src/realtime/tab-view.ts';

/** A tab's socket as the hub uses it: what was sent to it, and whether it was closed. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  sent: string[] = [];
  closedWith: number | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
}

function tab(userId: number, sessionId = `s${userId}`): LiveClient & { socket: FakeSocket } {
  const socket = new FakeSocket();
  return {
    socket: socket as unknown as WebSocket & FakeSocket,
    userId,
    sessionId,
    locale: 'en',
    path: '/conversations',
    view: tabView('/conversations', 'UTC'),
    csrf: `token-${userId}`,
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
async function drained(): Promise<void> {
  for (let i = 0; i < 20; i++) await turn();
}

test("a turn's pushes reach each tab as one frame, each distinct piece drawn once, with the tab's own form token", async () => {
  const errors: unknown[] = [];
  const hub = createHub(
    (ids) => new Set(ids),
    (err) => errors.push(err),
  );
  const tabs = [tab(1), tab(2), tab(3)];
  tabs.forEach((t) => hub.add(t));
  let draws = 0;
  hub.later(() => hub.push([1, 2, 3], () => [{ key: 'row', render: () => (draws++, `<row ${FORM_TOKEN}>`) }]));
  hub.later(() => hub.push([1, 2], () => [{ key: 'toast', render: () => '<toast>' }]));
  await drained();
  assert.deepEqual(
    tabs.map((t) => t.socket.sent),
    [['<row token-1><toast>'], ['<row token-2><toast>'], ['<row token-3>']],
  );
  assert.equal(draws, 1);
  assert.deepEqual(errors, []);
});

test('what a listener gathers after its turn was taken up goes out with the next turn, in order', async () => {
  const hub = createHub(
    (ids) => new Set(ids),
    () => {},
  );
  const one = tab(1);
  hub.add(one);
  let gathering: string[] | null = null;
  const gather = (text: string) => {
    if (gathering) return void gathering.push(text);
    const texts = (gathering = [text]);
    hub.later(
      () => hub.push([1], () => [{ key: texts.join(), render: () => `<${texts.join()}>` }]),
      () => (gathering = null),
    );
  };
  gather('a');
  gather('b');
  await turn();
  gather('c');
  await drained();
  assert.deepEqual(one.socket.sent, ['<a,b>', '<c>']);
});

test('many tabs are sent to in slices, in order, and settle sends everything at once', async () => {
  const hub = createHub(
    (ids) => new Set(ids),
    () => {},
  );
  const tabs = Array.from({ length: 400 }, (_, i) => tab(i + 1));
  tabs.forEach((t) => hub.add(t));
  const everyone = tabs.map((t) => t.userId);
  hub.later(() => hub.push(everyone, () => [{ key: 'x', render: () => '<first>' }]));
  hub.later(() => hub.push(everyone, () => [{ key: 'x', render: () => '<same turn>' }]));
  await drained();
  hub.later(() => hub.push(everyone, () => [{ key: 'x', render: () => '<second>' }]));
  hub.settle();
  for (const t of tabs) assert.deepEqual(t.socket.sent, ['<first><same turn>', '<second>']);
});

test('a tab whose session ended gets nothing and is closed; one failed drawing leaves the other tabs theirs', async () => {
  const errors: unknown[] = [];
  const hub = createHub(
    (ids) => new Set(ids.filter((id) => id !== 's2')),
    (err) => errors.push(err),
  );
  const [one, two, three] = [tab(1), tab(2), tab(3)];
  [one, two, three].forEach((t) => hub.add(t));
  hub.later(() =>
    hub.push([1, 2, 3], (client) => {
      if (client.userId === 3) throw new Error('drawing failed');
      return [{ key: 'row', render: () => '<row>' }];
    }),
  );
  await drained();
  assert.deepEqual(one.socket.sent, ['<row>']);
  assert.deepEqual(two.socket.sent, []);
  assert.equal(two.socket.closedWith, CLOSE_SIGNED_OUT);
  assert.deepEqual(three.socket.sent, []);
  assert.equal(errors.length, 1);
});

test('a push that fails to draw for a tab leaves out its own part only', async () => {
  const errors: unknown[] = [];
  const hub = createHub(
    (ids) => new Set(ids),
    (err) => errors.push(err),
  );
  const [one, two] = [tab(1), tab(2)];
  [one, two].forEach((t) => hub.add(t));
  hub.later(() => hub.push([1, 2], () => [{ key: 'row', render: () => '<row>' }]));
  hub.later(() =>
    hub.push([1, 2], (client) => {
      if (client.userId === 1) throw new Error('drawing failed');
      return [{ key: 'toast', render: () => '<toast>' }];
    }),
  );
  hub.later(() => hub.push([1], () => [{ key: 'badge', render: () => '<badge>' }]));
  await drained();
  assert.deepEqual(one.socket.sent, ['<row><badge>']);
  assert.deepEqual(two.socket.sent, ['<row><toast>']);
  assert.equal(errors.length, 1);
});

test('settle sends what was queued before it; work that queues work goes out with the next turn', async () => {
  const hub = createHub(
    (ids) => new Set(ids),
    () => {},
  );
  const one = tab(1);
  hub.add(one);
  hub.later(() => {
    hub.push([1], () => [{ key: 'a', render: () => '<a>' }]);
    hub.later(() => hub.push([1], () => [{ key: 'b', render: () => '<b>' }]));
  });
  hub.settle();
  assert.deepEqual(one.socket.sent, ['<a>']);
  await drained();
  assert.deepEqual(one.socket.sent, ['<a>', '<b>']);
});
