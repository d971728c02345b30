import { isE164 } from '../../formatting/e164.ts';

/**
 * Calling codes for national numbers typed without one. NANP countries dial 10 digits (an optional leading
 * 1); most others drop their trunk prefix 0; Italy and Spain have none (Italy's leading 0 belongs to the
 * number). Only countries listed here accept national numbers.
 */
const callingCodes: Record<string, { code: string; nanp?: true; noTrunk?: true }> = {
  US: { code: '1', nanp: true },
  CA: { code: '1', nanp: true },
  PR: { code: '1', nanp: true },
  GB: { code: '44' },
  IE: { code: '353' },
  DE: { code: '49' },
  AT: { code: '43' },
  CH: { code: '41' },
  FR: { code: '33' },
  NL: { code: '31' },
  BE: { code: '32' },
  ES: { code: '34', noTrunk: true },
  IT: { code: '39', noTrunk: true },
  AU: { code: '61' },
  NZ: { code: '64' },
};

export const supportedCountries = Object.keys(callingCodes);

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
