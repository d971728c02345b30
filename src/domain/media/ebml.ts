/**
 * The EBML that Matroska and WebM are written in, read element by element without recursion: each element is an ID
 * (a variable-length integer keeping its marker bit), a size (a variable-length integer without it; all ones =
 * unknown, as MediaRecorder writes the Segment and its Clusters) and a payload. Every size is checked against the
 * buffer before it is used.
 */

export interface EbmlElement {
  id: number;
  /** Where the payload starts. */
  start: number;
  /** The payload's size, or null when unknown (a live recording's Segment and Clusters). */
  size: number | null;
}

/** A variable-length integer at `at`: its length (1–8) and value; `keepMarker` for IDs. */
function vint(
  data: Uint8Array,
  at: number,
  maxLength: number,
  keepMarker: boolean,
): { length: number; value: number; allOnes: boolean } {
  const first = data[at];
  if (first === undefined) throw new Error(`EBML cut off at ${at}`);
  const length = first === 0 ? 9 : Math.clz32(first) - 23;
  if (length > maxLength) throw new Error(`EBML number too long at ${at}`);
  if (at + length > data.length) throw new Error(`EBML cut off at ${at}`);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = data[at + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { length, value, allOnes };
}

/** The element header at `at`, its size bounded by the end of the buffer. */
export function readElement(data: Uint8Array, at: number): EbmlElement & { headerEnd: number } {
  const id = vint(data, at, 4, true);
  const size = vint(data, at + id.length, 8, false);
  const start = at + id.length + size.length;
  if (size.allOnes) return { id: id.value, start, size: null, headerEnd: start };
  if (size.value > data.length - start) throw new Error(`EBML element 0x${id.value.toString(16)} runs past the end`);
  return { id: id.value, start, size: size.value, headerEnd: start };
}

export function readUint(data: Uint8Array, el: EbmlElement): number {
  if (el.size === null || el.size > 6) throw new Error('EBML unsigned integer too long');
  let value = 0;
  for (let i = 0; i < el.size; i++) value = value * 256 + data[el.start + i]!;
  return value;
}

export function readFloat(data: Uint8Array, el: EbmlElement): number {
  const view = new DataView(data.buffer, data.byteOffset + el.start, el.size ?? 0);
  if (el.size === 4) return view.getFloat32(0);
  if (el.size === 8) return view.getFloat64(0);
  throw new Error('EBML float of an odd size');
}

/** A signed integer (DiscardPadding). */
export function readInt(data: Uint8Array, el: EbmlElement): number {
  const unsigned = readUint(data, el);
  const bits = 8 * (el.size ?? 0);
  return bits > 0 && unsigned >= 2 ** (bits - 1) ? unsigned - 2 ** bits : unsigned;
}

export const readText = (data: Uint8Array, el: EbmlElement): string =>
  Buffer.from(data.buffer, data.byteOffset + el.start, el.size ?? 0)
    .toString('latin1')
    .replace(/\0+$/, '');

/** A Block's lace sizes after its 4-byte head (EBML lacing): a first size, then signed differences. */
export function ebmlLaceDelta(data: Uint8Array, at: number): { length: number; value: number } {
  const n = vint(data, at, 8, false);
  return { length: n.length, value: n.value - (2 ** (7 * n.length - 1) - 1) };
}

export const readVint = (data: Uint8Array, at: number): { length: number; value: number } => vint(data, at, 8, false);
