/**
 * SMS text on the SMPP wire: split for submit_sm (the parts the composer counts, src/domain/messaging/sms-parts.ts)
 * and decode what deliver_sm carries. Pure and network-free; node-smpp only ever sees the Buffers and data_coding
 * made here.
 */
import { decodeGsm7 } from '../../domain/messaging/gsm7.ts';
import {
  SEGMENT_UNITS,
  smsCharacters,
  splitIntoSegments,
  sumUnits,
  type SmsEncoding,
} from '../../domain/messaging/sms-parts.ts';

export interface SubmitEncoding {
  dataCoding: 0 | 8;
  /** 0x40 (UDH indicator) when the parts carry a concatenation header, else 0. */
  esmClass: number;
  /** One short_message per segment, UDH included. */
  parts: Buffer[];
}

export interface Concat {
  /** 8-bit (0-255) or 16-bit (0-65535) reference shared by all parts of one message. */
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
}

export interface DecodedMessage {
  text: string;
  concat?: Concat;
}

const LIMITS = {
  gsm7: { ...SEGMENT_UNITS.gsm7, dataCoding: 0 },
  ucs2: { ...SEGMENT_UNITS.ucs2, dataCoding: 8 },
} as const;

const ESM_CLASS_UDHI = 0x40;
const IE_CONCAT_8BIT = 0x00;
const IE_CONCAT_16BIT = 0x08;
/** A concatenation header counts parts in one octet. */
export const MAX_CONCAT_PARTS = 255;

/*
 * GSM 7-bit text travels UNPACKED over SMPP: one septet per octet, top bit zero. That is what SMPP 3.4 means by
 * data_coding 0 and what SMSCs expect from an ESME; they pack septets for the air interface themselves. Some SMSCs
 * deliver packed septets anyway; we do not guess (the two cannot be told apart reliably), so such a link shows
 * garbage and needs the SMSC's setting changed. These two functions are the only place that knows the layout.
 */
function septetsToOctets(septets: readonly number[]): Buffer {
  return Buffer.from(septets);
}

function octetsToSeptets(octets: Buffer): Uint8Array {
  return octets;
}

/** One character as it must travel: bytes that may not be split across segments, and their cost in units. */
interface Atom {
  bytes: Buffer;
  units: number;
}

function toAtoms(text: string): { encoding: SmsEncoding; atoms: Atom[] } {
  const characters = smsCharacters(text);
  if (characters.encoding === 'gsm7') {
    return { encoding: 'gsm7', atoms: characters.chars.map((s) => ({ bytes: septetsToOctets(s), units: s.length })) };
  }
  return { encoding: 'ucs2', atoms: characters.chars.map((ch) => ({ bytes: utf16be(ch), units: ch.length })) };
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * short_message payloads for submit_sm. `ref` (0-255) must differ between concurrent multi-part messages to the
 * same recipient. Throws RangeError for empty text, a bad ref, or text needing more than 255 parts.
 */
export function encodeForSubmit(text: string, ref: number): SubmitEncoding {
  if (!Number.isInteger(ref) || ref < 0 || ref > 0xff) throw new RangeError(`concatenation ref ${ref} is not 0-255`);
  const { encoding, atoms } = toAtoms(text);
  const limits = LIMITS[encoding];
  const units = sumUnits(atoms);
  if (units === 0) throw new RangeError('empty text: nothing to send');
  if (units <= limits.single) {
    return { dataCoding: limits.dataCoding, esmClass: 0, parts: [joinAtoms(atoms)] };
  }
  const segments = splitIntoSegments(atoms, limits.multi);
  if (segments.length > MAX_CONCAT_PARTS) {
    throw new RangeError(`text needs ${segments.length} parts, at most ${MAX_CONCAT_PARTS}`);
  }
  const parts = segments.map((segment, i) =>
    Buffer.concat([concatUdh(ref, segments.length, i + 1), joinAtoms(segment)]),
  );
  return { dataCoding: limits.dataCoding, esmClass: ESM_CLASS_UDHI, parts };
}

function joinAtoms(atoms: readonly Atom[]): Buffer {
  return Buffer.concat(atoms.map((atom) => atom.bytes));
}

function concatUdh(ref: number, total: number, seq: number): Buffer {
  return Buffer.from([0x05, IE_CONCAT_8BIT, 0x03, ref, total, seq]);
}

/**
 * Text (and concatenation info) from a deliver_sm short_message, or from its message_payload TLV: pass that
 * buffer the same way. Never throws. A header length octet larger than what follows it cannot start a header —
 * the indicator was set on plain text — so the whole payload is the text: read as a header, it would lose the
 * message, or make it a part whose siblings never come.
 */
export function decodeShortMessage(input: {
  shortMessage: Buffer;
  dataCoding: number;
  esmClass: number;
}): DecodedMessage {
  const { shortMessage, dataCoding, esmClass } = input;
  const headerLength = shortMessage[0];
  if ((esmClass & ESM_CLASS_UDHI) === 0 || headerLength === undefined || headerLength > shortMessage.length - 1) {
    return { text: decodeText(shortMessage, dataCoding) };
  }
  const headerEnd = 1 + headerLength;
  const concat = concatFromUdh(shortMessage.subarray(1, headerEnd));
  const text = decodeText(shortMessage.subarray(headerEnd), dataCoding);
  return concat ? { text, concat } : { text };
}

/** Walks the information elements; unknown ones and a truncated last one are skipped. */
function concatFromUdh(udh: Buffer): Concat | undefined {
  let found: Concat | undefined;
  for (let at = 0; at + 2 <= udh.length;) {
    const id = udh[at] as number;
    const length = udh[at + 1] as number;
    const data = udh.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    if (data.length < length) break;
    if (id === IE_CONCAT_8BIT && length === 3) {
      found = validConcat(data.readUInt8(0), data.readUInt8(1), data.readUInt8(2)) ?? found;
    } else if (id === IE_CONCAT_16BIT && length === 4) {
      found = validConcat(data.readUInt16BE(0), data.readUInt8(2), data.readUInt8(3)) ?? found;
    }
  }
  return found;
}

/** 23.040 says to ignore a concatenation element whose count is 0 or whose sequence number is out of range. */
function validConcat(ref: number, total: number, seq: number): Concat | undefined {
  return total >= 1 && seq >= 1 && seq <= total ? { ref, total, seq } : undefined;
}

/** The same `concat` from SMPP's sar_* TLVs, which some SMSCs use instead of a UDH; undefined unless all are valid. */
export function concatFromSarTlvs(tlvs: {
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
}): Concat | undefined {
  const { sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: seq } = tlvs;
  if (ref === undefined || total === undefined || seq === undefined) return undefined;
  const inRange = [ref, total, seq].every(Number.isInteger) && ref >= 0 && ref <= 0xffff && total <= MAX_CONCAT_PARTS;
  return inRange ? validConcat(ref, total, seq) : undefined;
}

type Charset = 'gsm7' | 'ucs2' | 'latin1' | 'iso-8859-5' | 'iso-8859-8' | 'iso-2022-jp' | 'euc-kr';

// SMPP 3.4 §5.2.19 for 0x00-0x0F. Binary (2, 4), JIS (5), pictogram (9), extended Kanji (13) and reserved
// values have no easy decoder and fall back to Latin-1, which at least never fails.
const SMPP_CHARSETS: ReadonlyMap<number, Charset> = new Map([
  [0x00, 'gsm7'],
  [0x01, 'latin1'], // IA5 is ASCII, a subset of Latin-1
  [0x03, 'latin1'],
  [0x06, 'iso-8859-5'],
  [0x07, 'iso-8859-8'],
  [0x08, 'ucs2'],
  [0x0a, 'iso-2022-jp'],
  [0x0e, 'euc-kr'], // KS C 5601
]);

/** Above 0x0F, data_coding is a GSM 03.38 data coding scheme; decode by its alphabet bits. */
function charsetOf(dataCoding: number): Charset {
  if (dataCoding <= 0x0f) return SMPP_CHARSETS.get(dataCoding) ?? 'latin1';
  if (dataCoding <= 0x7f) return dataCoding & 0x20 ? 'latin1' : alphabetBits((dataCoding >> 2) & 0x03);
  if (dataCoding >= 0xc0 && dataCoding <= 0xdf) return 'gsm7';
  if (dataCoding >= 0xe0 && dataCoding <= 0xef) return 'ucs2';
  if (dataCoding >= 0xf0) return dataCoding & 0x04 ? 'latin1' : 'gsm7';
  return 'latin1';
}

function alphabetBits(bits: number): Charset {
  if (bits === 0) return 'gsm7';
  if (bits === 2) return 'ucs2';
  return 'latin1';
}

function decodeText(payload: Buffer, dataCoding: number): string {
  const charset = charsetOf(dataCoding);
  if (charset === 'gsm7') return decodeGsm7(octetsToSeptets(payload));
  if (charset === 'ucs2') return decodeUtf16be(payload);
  if (charset === 'latin1') return payload.toString('latin1');
  return new TextDecoder(charset).decode(payload);
}

/**
 * Lone surrogates are kept, not replaced: senders that split a surrogate pair across parts are rejoined
 * when the reassembler concatenates the texts. An odd trailing byte becomes U+FFFD.
 */
function decodeUtf16be(payload: Buffer): string {
  const even = payload.length - (payload.length % 2);
  const text = Buffer.from(payload.subarray(0, even)).swap16().toString('utf16le');
  return even === payload.length ? text : `${text}\uFFFD`;
}
