/**
 * A browser's recorded voice note, WebM (Matroska) holding one Opus track, rewritten as Ogg/Opus (RFC 7845): the
 * container WhatsApp takes for voice notes (`audio/ogg; codecs=opus`). The Opus packets are copied, never decoded.
 *
 * Why our own code and no library: the issue asks for a maintained library if one can do it without a system
 * ffmpeg. Looked up (2025): ffmpeg.js / @ffmpeg/ffmpeg / @hiogawa/ffmpeg are ffmpeg compiled to WebAssembly (megabytes,
 * ffmpeg by another name); prism-media demuxes WebM but writes no Ogg; ts-ebml, ebml and ebml-stream read EBML only;
 * webm-muxer is deprecated. Mediabunny (pure TypeScript, maintained, MPL-2.0) reads WebM and writes Ogg and could do
 * it — but it is a whole media toolkit built around the browser's WebCodecs, for a job that is copying packets from
 * one container to another: ~250 lines here, bounded the way uploads must be (every size checked against the
 * buffer, one linear pass, a refusal instead of a crash) and tested against a real Chromium recording. If more
 * formats are ever needed, Mediabunny is the one to take.
 */
import {
  ebmlLaceDelta,
  readElement,
  readFloat,
  readInt,
  readText,
  readUint,
  readVint,
  type EbmlElement,
} from './ebml.ts';
import { OGG_BOS, OGG_EOS, oggCrc, oggPage, lacingOf } from './ogg.ts';

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  cluster: 0x1f43b675,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  discardPadding: 0x75a2,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  codecDelay: 0x56aa,
  audio: 0xe1,
  samplingFrequency: 0xb5,
  channels: 0x9f,
} as const;

/** Elements whose children follow their header: read on into them instead of skipping them. */
const MASTERS = new Set<number>([ID.segment, ID.cluster, ID.tracks, ID.trackEntry, ID.blockGroup, ID.audio]);

interface Track {
  number: number;
  type: number;
  codec: string;
  codecPrivate: Uint8Array | null;
  codecDelayNs: number;
  rate: number;
  channels: number;
}

interface Frame {
  track: number;
  data: Uint8Array;
}

/** Why a recording cannot be turned into a voice note (logged; the user is told the file is not a voice note). */
export class RemuxRefused extends Error {
  override name = 'RemuxRefused';
}

const refuse = (why: string): never => {
  throw new RemuxRefused(why);
};

/** 48 kHz samples in one Opus packet, from its TOC byte (RFC 6716, section 3.1). */
export function opusSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return refuse('an empty Opus packet');
  const config = toc >> 3;
  const frameSamples =
    config < 12
      ? [480, 960, 1920, 2880][config % 4]!
      : config < 16
        ? [480, 960][config % 2]!
        : [120, 240, 480, 960][config % 4]!;
  const code = toc & 0x03;
  const frames = code === 0 ? 1 : code < 3 ? 2 : (packet[1] ?? refuse('an Opus packet without its frame count')) & 0x3f;
  const samples = frames * frameSamples;
  // RFC 6716: a packet holds at most 120 ms.
  if (frames === 0 || samples > 5760) refuse('an Opus packet longer than 120 ms');
  return samples;
}

/** The frames of a (Simple)Block: after the track number, a 16-bit timecode and the flags, maybe laced. */
function blockFrames(data: Uint8Array, el: EbmlElement, out: Frame[]): void {
  const end = el.start + el.size!;
  const track = readVint(data, el.start);
  let at = el.start + track.length + 3;
  if (at > end) refuse('a block cut off');
  const lacing = (data[at - 1]! >> 1) & 0x03;
  if (lacing === 0) {
    out.push({ track: track.value, data: data.subarray(at, end) });
    return;
  }
  if (at >= end) refuse('a laced block cut off');
  const count = data[at++]! + 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    // Xiph: each size as a run of 255s and a last byte below 255.
    for (let i = 0; i < count - 1; i++) {
      let size = 0;
      for (;;) {
        if (at >= end) refuse('Xiph lacing cut off');
        const byte = data[at++]!;
        size += byte;
        if (byte < 255) break;
      }
      sizes.push(size);
    }
  } else if (lacing === 3) {
    // EBML: the first size, then each next one as a signed difference.
    const first = readVint(data, at);
    at += first.length;
    sizes.push(first.value);
    for (let i = 1; i < count - 1; i++) {
      const delta = ebmlLaceDelta(data, at);
      at += delta.length;
      sizes.push(sizes[i - 1]! + delta.value);
    }
  } else {
    // Fixed: equal parts.
    if ((end - at) % count !== 0) refuse('fixed lacing of uneven frames');
    for (let i = 0; i < count - 1; i++) sizes.push((end - at) / count);
  }
  for (const size of sizes) {
    if (size < 0 || at + size > end) refuse('a laced frame runs past its block');
    out.push({ track: track.value, data: data.subarray(at, at + size) });
    at += size;
  }
  if (at > end) refuse('a laced block cut off');
  out.push({ track: track.value, data: data.subarray(at, end) });
}

/** One linear pass over the file: the tracks, and every block's frames in file order. */
function demux(data: Uint8Array): { tracks: Track[]; frames: Frame[]; discardNs: number } {
  const header = readElement(data, 0);
  if (header.id !== ID.ebml || header.size === null) refuse('not an EBML file');
  let docType = 'matroska';
  for (let at = header.start; at < header.start + header.size!;) {
    const el = readElement(data, at);
    if (el.size === null) refuse('an EBML header field of unknown size');
    if (el.id === ID.docType) docType = readText(data, el);
    at = el.start + el.size!;
  }
  if (docType !== 'webm' && docType !== 'matroska') refuse(`not WebM but ${docType}`);

  const tracks: Track[] = [];
  const frames: Frame[] = [];
  let discardNs = 0;
  let track: Track | null = null;
  let at = header.start + header.size!;
  while (at < data.length) {
    const el = readElement(data, at);
    if (MASTERS.has(el.id)) {
      if (el.id === ID.trackEntry) {
        track = { number: 0, type: 0, codec: '', codecPrivate: null, codecDelayNs: 0, rate: 48000, channels: 1 };
        tracks.push(track);
      }
      at = el.start;
      continue;
    }
    // Only a master may leave its size open (a live recording's Segment and Clusters).
    if (el.size === null) refuse(`element 0x${el.id.toString(16)} of unknown size`);
    if (el.id === ID.simpleBlock || el.id === ID.block) {
      blockFrames(data, el, frames);
      discardNs = 0;
    } else if (el.id === ID.discardPadding) discardNs = readInt(data, el);
    else if (track) {
      if (el.id === ID.trackNumber) track.number = readUint(data, el);
      else if (el.id === ID.trackType) track.type = readUint(data, el);
      else if (el.id === ID.codecId) track.codec = readText(data, el);
      else if (el.id === ID.codecPrivate) track.codecPrivate = data.subarray(el.start, el.start + el.size!);
      else if (el.id === ID.codecDelay) track.codecDelayNs = readUint(data, el);
      else if (el.id === ID.samplingFrequency) track.rate = readFloat(data, el);
      else if (el.id === ID.channels) track.channels = readUint(data, el);
    }
    at = el.start + el.size!;
  }
  return { tracks, frames, discardNs };
}

/** The Opus identification header (RFC 7845, section 5.1): the track's own, or one made from its fields. */
function opusHead(track: Track): Buffer {
  if (track.codecPrivate) {
    const head = Buffer.from(track.codecPrivate);
    if (head.length < 19 || head.toString('latin1', 0, 8) !== 'OpusHead' || head[8]! >> 4 !== 0 || head[9] === 0)
      refuse('the track carries no valid OpusHead');
    if (head[18] === 0 && head[9]! > 2) refuse('mapping family 0 with more than two channels');
    return head;
  }
  if (track.channels < 1 || track.channels > 2) refuse('more than two channels and no OpusHead saying how to map them');
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = track.channels;
  head.writeUInt16LE(Math.min(0xffff, Math.round((track.codecDelayNs * 48000) / 1e9)), 10);
  head.writeUInt32LE(Math.round(track.rate) || 48000, 12);
  return head;
}

/** The comment header (RFC 7845, section 5.2): our name as the vendor, no comments. */
function opusTags(): Buffer {
  const vendor = Buffer.from('Switchboard', 'utf8');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  return tags;
}

/** Audio pages end after about this much sound, so a player can seek without reading far. */
const PAGE_SAMPLES = 48000;

export interface Remuxed {
  ogg: Buffer;
  /** Opus packets carried over (each block's frames). */
  packets: number;
  /** What a player plays: the samples after pre-skip and end trimming, at 48 kHz. */
  seconds: number;
}

/** WebM with one Opus track → Ogg/Opus; throws RemuxRefused for anything else, broken or cut off. */
export function webmToOgg(webm: Uint8Array): Remuxed {
  let demuxed: ReturnType<typeof demux>;
  try {
    demuxed = demux(webm);
  } catch (err) {
    throw err instanceof RemuxRefused ? err : new RemuxRefused((err as Error).message);
  }
  const { tracks, frames, discardNs } = demuxed;
  if (tracks.length !== 1) refuse(`${tracks.length} tracks, not one`);
  const track = tracks[0]!;
  if (track.codec !== 'A_OPUS' || (track.type !== 0 && track.type !== 2)) refuse(`a ${track.codec} track, not Opus`);
  const packets = frames.filter((f) => f.track === track.number).map((f) => f.data);
  if (packets.length === 0 || packets.length !== frames.length) refuse('no Opus packets of the one track');

  const head = opusHead(track);
  const preSkip = head.readUInt16LE(10);
  const serial = oggCrc(Buffer.concat([head, packets[0]!]));
  const pages: Buffer[] = [
    oggPage([head], { serial, sequence: 0, granule: 0n, flags: OGG_BOS }),
    oggPage([opusTags()], { serial, sequence: 1, granule: 0n, flags: 0 }),
  ];
  let granule = BigInt(preSkip);
  let page: Uint8Array[] = [];
  let pageLacing = 0;
  let pageSamples = 0;
  const flush = (last: boolean) => {
    const end = last ? granule - BigInt(Math.round((Math.max(0, discardNs) * 48000) / 1e9)) : granule;
    const flags = last ? OGG_EOS : 0;
    pages.push(oggPage(page, { serial, sequence: pages.length, granule: end > 0n ? end : 0n, flags }));
    page = [];
    pageLacing = 0;
    pageSamples = 0;
  };
  packets.forEach((packet, i) => {
    const lacing = lacingOf(packet.length);
    if (pageLacing + lacing > 255) flush(false);
    const samples = opusSamples(packet);
    page.push(packet);
    pageLacing += lacing;
    pageSamples += samples;
    granule += BigInt(samples);
    if (i === packets.length - 1) flush(true);
    else if (pageSamples >= PAGE_SAMPLES) flush(false);
  });
  const played = Number(granule) - preSkip - Math.round((Math.max(0, discardNs) * 48000) / 1e9);
  return { ogg: Buffer.concat(pages), packets: packets.length, seconds: Math.max(0, played) / 48000 };
}
