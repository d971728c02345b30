import { getCountries, type CountryCode } from 'libphonenumber-js/max';

/** An ISO 3166 alpha-2 code of a country (or territory) with its own phone numbering: 'US', 'DE', … */
export type Country = CountryCode;

/** Every country libphonenumber-js knows the numbers of. */
export const countries: readonly Country[] = getCountries();

const known = new Set<string>(countries);
export const isCountry = (value: unknown): value is Country => typeof value === 'string' && known.has(value);

// Intl.Locale#getTimeZones (V8 since 9.9) is not in TypeScript's lib yet.
type LocaleWithZones = Intl.Locale & { getTimeZones?: () => string[] };

let zoneCountries: Map<string, Country> | undefined;

/**
 * The country a time zone lies in ('Europe/Berlin' → 'DE', 'America/Chicago' → 'US'), from the runtime's own
 * region data; none for zones of no country ('UTC', 'Etc/GMT+5'). A person's time zone is the one thing the app
 * knows of where they are, so it stands in for their country where none is configured.
 */
export function countryOfTimeZone(zone: string): Country | null {
  zoneCountries ??= new Map(
    countries.flatMap((country) =>
      ((new Intl.Locale(`und-${country}`) as LocaleWithZones).getTimeZones?.() ?? []).map((z) => [z, country] as const),
    ),
  );
  return zoneCountries.get(zone) ?? null;
}
