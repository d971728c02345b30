/**
 * Voice notes: Chromium's WebM/Opus recording (test/fixtures/voice/chromium.webm, made by
 * scripts/record-voice-fixture.ts with the fake microphone) rewritten as Ogg/Opus — pages that parse, CRCs and
 * granule positions right, the OpusHead kept, every packet carried over — and broken input refused, not thrown.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readElement } from '../../../src/domain/media/ebml.ts';
import { OGG_BOS, OGG_EOS, oggOpusSeconds, readOggPages } from '../../../src/domain/media/ogg.ts';
import { OGG_OPUS, sniff } from '../../../src/domain/media/sniff.ts';
import { opusSamples, RemuxRefused, webmToOgg } from '../../../src/domain/media/webm-to-ogg.ts';

const webm = readFileSync(new URL('../../fixtures/voice/chromium.webm', import.meta.url));

/** The Opus packets of the fixture, counted independently of the remuxer: every SimpleBlock of its clusters. */
function simpleBlocks(data: Buffer): Buffer[] {
  return blockElements(data).map((b) => b.packet);
}

function blockElements(data: Buffer): { at: number; packet: Buffer }[] {
  const found: { at: number; packet: Buffer }[] = [];
  const descend = new Set([0x18538067, 0x1f43b675]);
  let at = 0;
  while (at < data.length) {
    const el = readElement(data, at);
    if (descend.has(el.id)) {
      at = el.start;
      continue;
    }
    // A 1-byte track number, the timecode and the flags, then the packet.
    if (el.id === 0xa3) found.push({ at, packet: data.subarray(el.start + 4, el.start + el.size!) });
    at = el.start + el.size!;
  }
  return found;
}

test('a Chromium recording becomes Ogg/Opus: OpusHead kept, every packet carried, CRCs and granules right', () => {
  assert.equal(sniff(webm)?.contentType, 'audio/webm');
  const { ogg, packets, seconds } = webmToOgg(webm);
  const blocks = simpleBlocks(webm);
  assert.ok(blocks.length > 10, `the fixture has ${blocks.length} blocks`);
  assert.equal(packets, blocks.length);

  const pages = readOggPages(ogg);
  assert.ok(pages.length >= 3);
  for (const page of pages) assert.ok(page.crcOk, `page ${page.sequence} has a right CRC`);
  assert.deepEqual(
    pages.map((p) => p.sequence),
    pages.map((_, i) => i),
  );
  assert.equal(new Set(pages.map((p) => p.serial)).size, 1, 'one logical stream');
  assert.ok(
    pages.every((p) => !p.open),
    'no packet continues across pages',
  );
  assert.deepEqual(
    pages.map((p) => p.flags),
    pages.map((_, i) => (i === 0 ? OGG_BOS : i === pages.length - 1 ? OGG_EOS : 0)),
  );

  // Page 0: the track's own OpusHead, byte for byte; page 1: the comment header alone.
  const codecPrivate = webm.subarray(webm.indexOf('OpusHead'), webm.indexOf('OpusHead') + 19);
  assert.deepEqual(pages[0]!.packets, [codecPrivate]);
  assert.equal(pages[1]!.packets.length, 1);
  assert.equal(pages[1]!.packets[0]!.toString('latin1', 0, 8), 'OpusTags');
  assert.equal(pages[0]!.granule, 0n);
  assert.equal(pages[1]!.granule, 0n);

  // Audio pages: the same packets in order; each page's granule = pre-skip + the samples of every packet so far.
  const audio = pages.slice(2);
  assert.deepEqual(
    audio.flatMap((p) => p.packets),
    blocks,
  );
  const preSkip = codecPrivate.readUInt16LE(10);
  let samples = 0;
  for (const page of audio) {
    samples += page.packets.reduce((sum, p) => sum + opusSamples(p), 0);
    assert.equal(page.granule, BigInt(preSkip + samples), `granule of page ${page.sequence}`);
  }
  assert.ok(seconds > 1.5 && seconds < 2.5, `about two seconds recorded, got ${seconds}`);
  assert.equal(oggOpusSeconds(ogg), Math.round(seconds * 100) / 100);
  assert.equal(sniff(ogg)?.contentType, OGG_OPUS);
});

test('the TOC byte tells the samples of a packet', () => {
  assert.equal(opusSamples(Buffer.from([0xfc])), 960); // CELT 20 ms, one frame
  assert.equal(opusSamples(Buffer.from([0xfd])), 1920); // two frames
  assert.equal(opusSamples(Buffer.from([0x1b, 0x02])), 5760); // SILK 60 ms, code 3, two frames
  assert.equal(opusSamples(Buffer.from([0x08])), 960); // SILK 20 ms
  assert.throws(() => opusSamples(Buffer.from([0x1b, 0x03])), RemuxRefused); // 180 ms: more than a packet holds
});

test('a truncated, garbage or non-WebM file is refused, not thrown at', () => {
  const refusals: [string, Buffer][] = [
    ['cut in the clusters', webm.subarray(0, Math.floor(webm.length / 2) + 3)],
    ['cut in the header', webm.subarray(0, 40)],
    ['empty', Buffer.alloc(0)],
    ['garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))],
    ['EBML magic then garbage', Buffer.concat([webm.subarray(0, 4), Buffer.alloc(200, 0xff)])],
    [
      'a size past the end',
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x88, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ],
    ['no tracks, no blocks', webm.subarray(0, webm.indexOf(Buffer.from([0x16, 0x54, 0xae, 0x6b])))],
  ];
  for (const [what, bytes] of refusals) assert.throws(() => webmToOgg(bytes), RemuxRefused, what);
});

test('a recording cut at a block boundary still converts, ending with what arrived', () => {
  // MediaRecorder's last chunk lost: the file ends after a whole SimpleBlock; what is there is a shorter note.
  const blocks = blockElements(webm);
  const { packets } = webmToOgg(webm.subarray(0, blocks[blocks.length - 1]!.at));
  assert.equal(packets, blocks.length - 1);
});
