/**
 * Calling codes for national numbers typed without one. NANP countries dial 10 digits (an optional leading
 * 1); most others drop their trunk prefix 0; Italy and Spain have none (Italy's leading 0 belongs to the
 * number). Only countries listed here accept national numbers.
 */
export const callingCodes: Record<string, { code: string; nanp?: true; noTrunk?: true }> = {
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
