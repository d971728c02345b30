import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config/schema.ts';

const MIN_TOKEN = 24;

/** Headers a proxy adds: a request that carries one came through a proxy, whatever address it arrived from. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** `[metrics] token`, or the environment variable `token_env` names; a token from there shorter than the file allows counts as none. */
export function metricsToken(config: Config): string | null {
  const token = config.metrics.token ?? (config.metrics.token_env ? process.env[config.metrics.token_env] : undefined);
  return token !== undefined && token.length >= MIN_TOKEN ? token : null;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A scrape from this machine, or with the token. "This machine" is the socket's peer, never X-Forwarded-For (a
 * header anyone can send); and a request a proxy forwarded is not local even though the proxy connects from
 * loopback — otherwise a reverse proxy on the same host would publish /metrics to everyone it serves.
 */
export function mayScrape(
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
  token: string | null,
): boolean {
  if (isLoopback(socketAddress) && FORWARDED.every((h) => headers[h] === undefined)) return true;
  if (token === null) return false;
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1];
  // Digests keep the comparison constant-time whatever the lengths.
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}
