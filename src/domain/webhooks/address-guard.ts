import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { invalid } from '../errors.ts';

/**
 * Addresses a webhook may not reach unless `[webhooks] allow_private`: the server's own machine and network, the
 * cloud's metadata service (169.254.169.254) and addresses that mean "any". IPv4-mapped IPv6 is unwrapped first.
 */
const refused = new BlockList();
refused.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", 0.0.0.0 unspecified
refused.addSubnet('10.0.0.0', 8, 'ipv4');
refused.addSubnet('100.64.0.0', 10, 'ipv4'); // CGNAT
refused.addSubnet('127.0.0.0', 8, 'ipv4');
refused.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, metadata
refused.addSubnet('172.16.0.0', 12, 'ipv4');
refused.addSubnet('192.168.0.0', 16, 'ipv4');
refused.addAddress('255.255.255.255', 'ipv4');
refused.addAddress('::', 'ipv6');
refused.addAddress('::1', 'ipv6');
refused.addSubnet('fc00::', 7, 'ipv6'); // unique local
refused.addSubnet('fe80::', 10, 'ipv6'); // link-local

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_V4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** `::ffff:127.0.0.1` (or its hex form `::ffff:7f00:1`) is 127.0.0.1. */
function unmapped(address: string): string {
  const dotted = MAPPED_V4.exec(address);
  if (dotted) return dotted[1]!;
  const hex = MAPPED_V4_HEX.exec(address);
  if (!hex) return address;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isPrivateAddress(address: string): boolean {
  const plain = unmapped(address.toLowerCase());
  const family = isIP(plain);
  if (family === 0) return true;
  return refused.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Where a webhook goes: the URL and the one address checked, which the request must connect to (no second lookup). */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

const urlInvalid = () => invalid('webhooks.url_invalid', 'url');

/** A URL as an endpoint may have it: absolute http(s), no credentials in it. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw urlInvalid();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) throw urlInvalid();
  return url;
}

/**
 * Resolves the URL's host and refuses it when any of its addresses is private (a name may resolve to a public and a
 * private address; a receiver could pick either). Checked when an endpoint is saved and again before every send.
 */
export async function checkWebhookTarget(raw: string, allowPrivate: boolean): Promise<CheckedTarget> {
  const url = parseWebhookUrl(raw);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw invalid('webhooks.url_unresolved', 'url', { host });
    }
  }
  if (addresses.length === 0) throw invalid('webhooks.url_unresolved', 'url', { host });
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    throw invalid('webhooks.url_private', 'url', { host });
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
