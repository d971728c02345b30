import { callingCodes } from '../../lib/calling-codes.ts';
import { isE164 } from '../../lib/e164.ts';

/** A phone number as people type it, in E.164 — or null when it cannot be one. */
export function normalizePhone(raw: unknown, defaultCountry?: string): string | null {
  if (typeof raw !== 'string') return null;
  // "+49 (0)151 …": the (0) is the trunk prefix written for national callers, never dialled with the country code.
  const compact = raw
    .trim()
    .replace(/\(0\)/g, '')
    .replace(/[\s().\-/]/g, '');
  if (compact.startsWith('+')) return isE164(compact) ? compact : null;
  if (compact.startsWith('00')) return normalizePhone(`+${compact.slice(2)}`);
  if (!/^\d+$/.test(compact)) return null;
  const country = defaultCountry ? callingCodes[defaultCountry] : undefined;
  if (!country) return null;
  if (country.nanp) {
    const national = compact.length === 11 && compact.startsWith('1') ? compact.slice(1) : compact;
    // NANP area codes and exchanges never start with 0 or 1.
    return /^[2-9]\d{2}[2-9]\d{6}$/.test(national) ? `+1${national}` : null;
  }
  if (country.noTrunk) return isE164(`+${country.code}${compact}`) ? `+${country.code}${compact}` : null;
  if (!compact.startsWith('0')) return null;
  const candidate = `+${country.code}${compact.slice(1)}`;
  return isE164(candidate) ? candidate : null;
}
