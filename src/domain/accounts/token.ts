import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: 43 characters. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Only something shaped like `newToken()` is worth a look-up: anything else is unknown without touching the database. */
export const tokenShaped = (token: unknown): token is string => typeof token === 'string' && /^[\w-]{43}$/.test(token);
