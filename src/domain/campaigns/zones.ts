/**
 * The time zones a recipient may be in, for quiet hours: the contact's own when someone set it, otherwise every zone
 * libphonenumber places the number's prefix in (an American area code → one or two zones; a toll-free +1 800 number →
 * all of the NANP's). Quiet hours then hold in all of them.
 */
import { canonicalTimeZone } from '../../lib/time-zones.ts';
import { countryOfNumber } from '../../lib/e164.ts';
import { PREFIXES, ZONES } from '../../lib/phone-zones-data.ts';

let byPrefix: Map<string, readonly string[]> | null = null;
let longestPrefix = 0;

/** The generated map, unpacked once: digits after '+' → zone names. */
function prefixMap(): Map<string, readonly string[]> {
  if (byPrefix) return byPrefix;
  byPrefix = new Map();
  for (const entry of PREFIXES.split(';')) {
    const colon = entry.indexOf(':');
    const zones = entry
      .slice(colon + 1)
      .split('.')
      .map((index) => ZONES[parseInt(index, 36)])
      .filter((zone): zone is string => zone !== undefined);
    byPrefix.set(entry.slice(0, colon), zones);
    longestPrefix = Math.max(longestPrefix, colon);
  }
  return byPrefix;
}

const longestPrefixZones = (digits: string): readonly string[] | undefined => {
  const map = prefixMap();
  for (let length = Math.min(digits.length, longestPrefix); length > 0; length--) {
    const zones = map.get(digits.slice(0, length));
    if (zones) return zones;
  }
  return undefined;
};

/** The zones a number's country spans, as the runtime's locale data knows them. */
function countryZones(e164: string): string[] {
  const country = countryOfNumber(e164);
  if (!country) return [];
  try {
    // Intl Locale Info (V8 has it; TypeScript's lib does not describe it yet).
    const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { getTimeZones?: () => string[] };
    return locale.getTimeZones?.() ?? [];
  } catch {
    return [];
  }
}

/** Never empty: the longest prefix libphonenumber maps, else the country's zones, else UTC. */
export function zonesOfPhone(e164: string): readonly string[] {
  const known = longestPrefixZones(e164.replace(/^\+/, ''));
  if (known && known.length > 0) return known;
  const country = countryZones(e164);
  return country.length > 0 ? country : ['UTC'];
}

/** The contact's own zone when it is a real one; otherwise the number's. */
export function recipientZones(contactZone: string | null | undefined, e164: string): readonly string[] {
  const own = canonicalTimeZone(contactZone);
  return own ? [own] : zonesOfPhone(e164);
}

const joined = new WeakMap<readonly string[], string>();

/** campaign_recipients.zones holds them '|'-separated (the prefix map's lists joined once each). */
export function joinZones(zones: readonly string[]): string {
  let text = joined.get(zones);
  if (text === undefined) joined.set(zones, (text = zones.join('|')));
  return text;
}
export const splitZones = (stored: string): string[] => stored.split('|').filter((zone) => zone.length > 0);
