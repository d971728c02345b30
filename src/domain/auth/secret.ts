import { timingSafeEqual } from 'node:crypto';

/** Compares tokens without leaking through timing how much of a guess was right. */
export function equalSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
