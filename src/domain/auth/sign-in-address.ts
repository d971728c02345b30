import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a sign-in is counted against. An IPv6 subscriber is handed at least a /64 and may use any address in
 * it, so the /64 is one address here: otherwise each of its 2^64 addresses would bring a fresh budget. IPv4 (also
 * when written as IPv4-mapped IPv6) stays as it is.
 */
export function signInAddress(ip: string): string {
  const mapped = /^::ffff:([\d.]+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  const bare = ip.replace(/%.*$/, '');
  if (!isIPv6(bare)) return ip;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
