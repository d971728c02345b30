import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeShortMessage, encodeForSubmit } from '../../../src/channels/smpp/encoding.ts';
import { createReassembler, MAX_OPEN_GROUPS, type InboundPart } from '../../../src/channels/smpp/reassembly.ts';

type PartOptions = { from?: string; to?: string; ref?: number; total?: number };

const part = (seq: number, text: string, over: PartOptions = {}): InboundPart => ({
  from: over.from ?? '+4915112345678',
  to: over.to ?? '4930123456',
  concat: { ref: over.ref ?? 42, total: over.total ?? 3, seq },
  text,
});

const clock = (): { now: () => number; advance: (ms: number) => void } => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
};

test('a single-part "concatenation" completes at once', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  assert.deepEqual(r.add(part(1, 'only', { total: 1 })), { complete: true, text: 'only' });
});

test('parts in order complete on the last one', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  assert.deepEqual(r.add(part(1, 'Hel')), { complete: false });
  assert.deepEqual(r.add(part(2, 'lo ')), { complete: false });
  assert.deepEqual(r.add(part(3, 'there')), { complete: true, text: 'Hello there' });
});

test('parts out of order are joined by seq', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  assert.deepEqual(r.add(part(3, 'C')), { complete: false });
  assert.deepEqual(r.add(part(1, 'A')), { complete: false });
  assert.deepEqual(r.add(part(2, 'B')), { complete: true, text: 'ABC' });
});

test('interleaved messages are kept apart by sender, recipient, ref and total', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  const alice = { from: 'alice' };
  const bob = { from: 'bob' };
  const otherLine = { from: 'alice', to: 'other-number' };
  const otherRef = { from: 'alice', ref: 43 };
  const twoParts = { from: 'alice', total: 2 };
  const results = [
    r.add(part(2, 'a2', alice)),
    r.add(part(1, 'b1', bob)),
    r.add(part(1, 'l1', otherLine)),
    r.add(part(3, 'r3', otherRef)),
    r.add(part(2, 't2', twoParts)),
    r.add(part(1, 'a1', alice)),
    r.add(part(3, 'b3', bob)),
    r.add(part(2, 'l2', otherLine)),
    r.add(part(1, 't1', twoParts)),
    r.add(part(3, 'a3', alice)),
    r.add(part(2, 'b2', bob)),
    r.add(part(3, 'l3', otherLine)),
  ];
  assert.deepEqual(
    results.flatMap((result) => (result.complete ? [result.text] : [])),
    ['t1t2', 'a1a2a3', 'b1b2b3', 'l1l2l3'],
  );
});

test('16-bit refs that agree in their low byte are different messages', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  assert.deepEqual(r.add(part(1, 'x1', { ref: 300, total: 2 })), { complete: false });
  assert.deepEqual(r.add(part(2, 'y2', { ref: 300 & 0xff, total: 2 })), { complete: false });
  assert.deepEqual(r.add(part(2, 'x2', { ref: 300, total: 2 })), { complete: true, text: 'x1x2' });
  assert.deepEqual(r.add(part(1, 'y1', { ref: 44, total: 2 })), { complete: true, text: 'y1y2' });
});

test('a part delivered twice while the message is open is ignored, first copy wins', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  r.add(part(1, 'A'));
  assert.deepEqual(r.add(part(1, 'A')), { complete: false });
  assert.deepEqual(r.add(part(1, 'not A')), { complete: false });
  r.add(part(2, 'B'));
  assert.deepEqual(r.add(part(3, 'C')), { complete: true, text: 'ABC' });
});

test('a completed message re-delivered part by part is not emitted again within ttl', () => {
  const c = clock();
  const r = createReassembler({ ttlMs: 60_000, now: c.now });
  r.add(part(1, 'A'));
  r.add(part(2, 'B'));
  assert.deepEqual(r.add(part(3, 'C')), { complete: true, text: 'ABC' });
  c.advance(59_000);
  assert.deepEqual(r.add(part(2, 'B')), { complete: false });
  assert.deepEqual(r.add(part(1, 'A')), { complete: false });
  assert.deepEqual(r.add(part(3, 'C')), { complete: false });
});

test('after ttl the memory of a completed message is gone', () => {
  const c = clock();
  const r = createReassembler({ ttlMs: 60_000, now: c.now });
  r.add(part(1, 'A', { total: 2 }));
  r.add(part(2, 'B', { total: 2 }));
  c.advance(60_001);
  r.add(part(1, 'A', { total: 2 }));
  assert.deepEqual(r.add(part(2, 'B', { total: 2 })), { complete: true, text: 'AB' });
});

test('a new message under a recycled ref is not mistaken for a re-delivery', () => {
  const c = clock();
  const r = createReassembler({ ttlMs: 60_000, now: c.now });
  r.add(part(1, 'first ', { total: 2 }));
  assert.deepEqual(r.add(part(2, 'message', { total: 2 })), { complete: true, text: 'first message' });
  c.advance(1_000);
  assert.deepEqual(r.add(part(2, 'one', { total: 2 })), { complete: false });
  assert.deepEqual(r.add(part(1, 'another ', { total: 2 })), { complete: true, text: 'another one' });
});

test('sweep drops incomplete groups older than ttl and counts them', () => {
  const c = clock();
  const r = createReassembler({ ttlMs: 60_000, now: c.now });
  r.add(part(1, 'old', { from: 'a' }));
  r.add(part(1, 'old', { from: 'b' }));
  c.advance(30_000);
  r.add(part(1, 'young', { from: 'c' }));
  assert.equal(r.sweep(), 0);
  c.advance(30_001);
  assert.equal(r.sweep(), 2);
  assert.equal(r.sweep(), 0);
  // The dropped group's missing parts now start a fresh group that cannot complete.
  r.add(part(2, '2', { from: 'a' }));
  assert.deepEqual(r.add(part(3, '3', { from: 'a' })), { complete: false });
  // The young group survived.
  r.add(part(2, '2', { from: 'c' }));
  assert.deepEqual(r.add(part(3, '3', { from: 'c' })), { complete: true, text: 'young23' });
});

test('a stale group is not mixed with a new message under the same key, even before a sweep', () => {
  const c = clock();
  const r = createReassembler({ ttlMs: 60_000, now: c.now });
  r.add(part(1, 'stale-1', { total: 2 }));
  c.advance(60_001);
  assert.deepEqual(r.add(part(2, 'new-2', { total: 2 })), { complete: false });
  assert.deepEqual(r.add(part(1, 'new-1', { total: 2 })), { complete: true, text: 'new-1new-2' });
  assert.equal(r.sweep(), 0, 'the stale group was already replaced');
});

test(`open groups are capped at ${MAX_OPEN_GROUPS}; the oldest is dropped first`, () => {
  const r = createReassembler({ ttlMs: 60_000 });
  for (let i = 0; i <= MAX_OPEN_GROUPS; i++) r.add(part(1, `${i}-1`, { from: `sender-${i}`, total: 2 }));
  assert.deepEqual(r.add(part(2, '1-2', { from: 'sender-1', total: 2 })), { complete: true, text: '1-11-2' });
  assert.deepEqual(r.add(part(2, '0-2', { from: 'sender-0', total: 2 })), { complete: false }, 'sender-0 was dropped');
  const last = `sender-${MAX_OPEN_GROUPS}`;
  assert.deepEqual(r.add(part(2, 'z', { from: last, total: 2 })), { complete: true, text: `${MAX_OPEN_GROUPS}-1z` });
});

test('parts that cannot exist are refused', () => {
  const r = createReassembler({ ttlMs: 60_000 });
  assert.throws(() => r.add(part(0, 'x')), RangeError);
  assert.throws(() => r.add(part(4, 'x')), RangeError);
  assert.throws(() => r.add(part(1.5, 'x')), RangeError);
  assert.throws(() => r.add(part(1, 'x', { total: 256 })), RangeError);
});

test('end to end: encoded parts, decoded and shuffled, reassemble to the original text', () => {
  const text = `Grüße 😀 ${'ж'.repeat(150)} {braces} €`;
  const { dataCoding, esmClass, parts } = encodeForSubmit(text, 200);
  assert.equal(parts.length, 3);
  const r = createReassembler({ ttlMs: 60_000 });
  const results = [2, 0, 1].map((i) => {
    const decoded = decodeShortMessage({ shortMessage: parts[i] ?? Buffer.alloc(0), dataCoding, esmClass });
    assert.ok(decoded.concat);
    return r.add({ from: 'a', to: 'b', concat: decoded.concat, text: decoded.text });
  });
  assert.deepEqual(results.at(-1), { complete: true, text });
});
