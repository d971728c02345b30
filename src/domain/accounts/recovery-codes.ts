import { randomBytes } from 'node:crypto';
import { hashToken } from './token.ts';

export const RECOVERY_CODES = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 16 characters from 31 (79 bits), shown in groups of four: `abcd-efgh-jkmn-pqrs`. */
export function newRecoveryCode(): string {
  const chars = [...randomBytes(32)].filter((b) => b < 248).map((b) => ALPHABET[b % ALPHABET.length]!);
  const code = chars.slice(0, 16).join('');
  return code.match(/.{4}/g)!.join('-');
}

/** What people type: dashes, spaces and case do not matter. */
export function hashRecoveryCode(typed: string): string {
  return hashToken(typed.toLowerCase().replace(/[\s-]/g, ''));
}
