import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLengthGuard } from '../../../src/channels/smpp/pdu-length.ts';

const MAX = 16_384;

function pdu(commandLength: number, octets = commandLength): Buffer {
  const buffer = Buffer.alloc(Math.max(octets, 4), 0xab);
  buffer.writeUInt32BE(commandLength, 0);
  return buffer;
}

function reported(chunks: Buffer[]): number[] {
  const lengths: number[] = [];
  const feed = createLengthGuard(MAX, (length) => lengths.push(length));
  for (const chunk of chunks) feed(chunk);
  return lengths;
}

/** The stream cut into pieces of `size` octets. */
function pieces(stream: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) out.push(stream.subarray(at, at + size));
  return out;
}

test('well-formed PDUs of 16 to the maximum octets pass, however the stream is cut', () => {
  // Bodies of 0xAB octets: read as a length, any of them would be refused, so a lost boundary shows.
  const stream = Buffer.concat([pdu(16), pdu(17), pdu(300), pdu(MAX), pdu(16)]);
  for (const size of [1, 3, 4, 5, 16, 17, 1000, stream.length])
    assert.deepEqual(reported(pieces(stream, size)), [], `pieces of ${size}`);
});

test('a command_length under 16 or above the maximum is reported once, wherever it falls in the stream', () => {
  for (const bad of [0, 1, 4, 12, 15, MAX + 1, 0xffffffff]) {
    const stream = Buffer.concat([pdu(16), pdu(40), pdu(bad, 16), pdu(16), pdu(2, 16)]);
    for (const size of [1, 2, 7, stream.length])
      assert.deepEqual(reported(pieces(stream, size)), [bad], `${bad} in pieces of ${size}`);
  }
});

test('the length is read from its four octets even when they come one by one', () => {
  const lengths: number[] = [];
  const feed = createLengthGuard(MAX, (length) => lengths.push(length));
  for (const octet of [0x00, 0x00, 0x00]) feed(Buffer.from([octet]));
  assert.deepEqual(lengths, []);
  feed(Buffer.from([0x0c]));
  assert.deepEqual(lengths, [12]);
});
