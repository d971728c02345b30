/**
 * What a text costs as SMS: its alphabet (GSM 7-bit when every character has a septet, else UCS-2) and how many
 * parts it takes. The composer's counter shows this; the SMPP channel splits texts the same way for submit_sm
 * (src/channels/smpp/encoding.ts), so the count the agent sees is what the carrier bills.
 */
import { gsm7Septets } from './gsm7.ts';

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface TextAnalysis {
  encoding: SmsEncoding;
  /** Septets (GSM 7-bit) or UTF-16 code units (UCS-2). */
  units: number;
  /** 0 for empty text: there is nothing to send. */
  segments: number;
  /** Capacity of each segment at the current length: the single-message limit, or the smaller concatenated one. */
  perSegment: number;
  /** Units still free in the last segment before another is needed (a 2-unit character may need 2). */
  remainingInSegment: number;
}

/** Units in one message alone, and in each part of a concatenated one (the rest is the concatenation header). */
export const SEGMENT_UNITS = {
  gsm7: { single: 160, multi: 153 },
  ucs2: { single: 70, multi: 67 },
} as const;

/** A text's characters as they must travel: each GSM character's septets, or else each code point for UCS-2. */
export type SmsCharacters = { encoding: 'gsm7'; chars: (readonly number[])[] } | { encoding: 'ucs2'; chars: string[] };

export function smsCharacters(text: string): SmsCharacters {
  const chars = [...text];
  const septets = chars.map(gsm7Septets);
  if (septets.every((s) => s !== undefined)) return { encoding: 'gsm7', chars: septets };
  // Iterating by code point keeps a surrogate pair (2 units) in one character.
  return { encoding: 'ucs2', chars };
}

/** Fill segments greedily; an item that does not fit whole starts the next segment. */
export function splitIntoSegments<T extends { units: number }>(items: readonly T[], capacity: number): T[][] {
  const segments: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    if (used + item.units > capacity) {
      segments.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += item.units;
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

export function sumUnits(items: readonly { units: number }[]): number {
  return items.reduce((sum, item) => sum + item.units, 0);
}

/** Live counter for the composer. Empty text is 0 segments with a whole single segment remaining. */
export function analyzeText(text: string): TextAnalysis {
  const { encoding, chars } = smsCharacters(text);
  const items = chars.map((c) => ({ units: c.length }));
  const limits = SEGMENT_UNITS[encoding];
  const units = sumUnits(items);
  if (units <= limits.single) {
    const segments = units === 0 ? 0 : 1;
    return { encoding, units, segments, perSegment: limits.single, remainingInSegment: limits.single - units };
  }
  const segments = splitIntoSegments(items, limits.multi);
  const last = segments[segments.length - 1] ?? [];
  return {
    encoding,
    units,
    segments: segments.length,
    perSegment: limits.multi,
    remainingInSegment: limits.multi - sumUnits(last),
  };
}
