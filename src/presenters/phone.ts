import type { Config } from '../config/schema.ts';
import { countryOfTimeZone, type Country } from '../lib/countries.ts';
import { formatPhone } from '../lib/e164.ts';

/**
 * A person's country, where numbers typed without a country code belong and which numbers are shown as dialled at
 * home: the configured one (`contacts.default_country`), else the country of their time zone (`timeZoneOf`).
 */
export const countryOf = (timeZone: string, config: Config): Country | null =>
  config.contacts.default_country ?? countryOfTimeZone(timeZone);

/** `it.phone(e164)`: a number as this viewer reads it, national when of their country, else international. */
export const phoneFormatter =
  (country: Country | null) =>
  (e164: string): string =>
    formatPhone(e164, country);
