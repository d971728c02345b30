/**
 * Ogg pages (RFC 3533) for one logical stream: header, lacing values, body, and the page CRC — CRC-32 with
 * polynomial 0x04c11db7, MSB first, initial value 0, no final XOR, computed over the page with its CRC field zero.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

/** The lacing values a packet takes: 255 for each full 255 bytes, then the rest (0 when it divides evenly). */
export const lacingOf = (size: number): number => Math.floor(size / 255) + 1;

/** One page holding whole packets only (a packet never continues onto the next page). */
export function oggPage(
  packets: Uint8Array[],
  opts: { serial: number; sequence: number; granule: bigint; flags: number },
): Buffer {
  const lacing: number[] = [];
  for (const packet of packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  if (lacing.length > 255) throw new Error('an Ogg page holds at most 255 lacing values');
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'latin1');
  header[4] = 0; // stream structure version
  header[5] = opts.flags;
  header.writeBigInt64LE(opts.granule, 6);
  header.writeUInt32LE(opts.serial >>> 0, 14);
  header.writeUInt32LE(opts.sequence >>> 0, 18);
  header[26] = lacing.length;
  lacing.forEach((value, i) => (header[27 + i] = value));
  const page = Buffer.concat([header, ...packets]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** A page as read back: for checks of what we wrote (tests) and for the duration of a stored note. */
export interface OggPageView {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  crcOk: boolean;
  packets: Buffer[];
  /** Bytes of a packet that continues onto the next page (none in what we write). */
  open: boolean;
}

/** Reads consecutive pages from the start; throws on anything that is not a whole, well-formed page. */
export function readOggPages(data: Buffer): OggPageView[] {
  const pages: OggPageView[] = [];
  let at = 0;
  while (at < data.length) {
    if (at + 27 > data.length || data.toString('latin1', at, at + 4) !== 'OggS')
      throw new Error(`no Ogg page at ${at}`);
    const count = data[at + 26]!;
    const lacing = data.subarray(at + 27, at + 27 + count);
    const bodySize = lacing.reduce((sum, v) => sum + v, 0);
    const end = at + 27 + count + bodySize;
    if (lacing.length < count || end > data.length) throw new Error(`the Ogg page at ${at} is cut off`);
    const page = Buffer.from(data.subarray(at, end));
    const stored = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    const packets: Buffer[] = [];
    let start = at + 27 + count;
    let size = 0;
    for (const value of lacing) {
      size += value;
      if (value < 255) {
        packets.push(data.subarray(start, start + size));
        start += size;
        size = 0;
      }
    }
    pages.push({
      flags: data[at + 5]!,
      granule: data.readBigInt64LE(at + 6),
      serial: data.readUInt32LE(at + 14),
      sequence: data.readUInt32LE(at + 18),
      crcOk: oggCrc(page) === stored,
      packets,
      open: size > 0 || (lacing.length > 0 && lacing[lacing.length - 1] === 255),
    });
    at = end;
  }
  return pages;
}

/**
 * How long an Ogg/Opus file plays: the last page's granule position less the pre-skip of its OpusHead, at 48 kHz
 * (RFC 7845, section 4). Null when the file does not say (not Opus, no closing page where one is expected).
 */
export function oggOpusSeconds(data: Buffer): number | null {
  const headAt = 27 + (data[26] ?? 0);
  if (data.toString('latin1', 0, 4) !== 'OggS' || data.toString('latin1', headAt, headAt + 8) !== 'OpusHead')
    return null;
  if (headAt + 12 > data.length) return null;
  const preSkip = data.readUInt16LE(headAt + 10);
  const last = data.lastIndexOf('OggS', data.length - 27, 'latin1');
  if (last < 0) return null;
  const granule = Number(data.readBigInt64LE(last + 6));
  if (granule <= preSkip) return null;
  return Math.round(((granule - preSkip) / 48000) * 100) / 100;
}
