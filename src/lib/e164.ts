/**
 * Phone numbers as people type them and as the app stores them (E.164: '+', country code, number), for every
 * country, with libphonenumber-js. The config, the domain, the presenters and the routes all check and show
 * numbers through this file.
 *
 * The 'max' metadata: it checks a number against its country's real number ranges and tells its type (mobile,
 * landline, …), which texting depends on. 'min' checks lengths only (any 10 digits would pass as American), and
 * 'mobile' knows mobile ranges alone, so it would refuse toll-free and VoIP numbers, which do take texts. Its size
 * (about 150 KB) stays on the server: browsers never load it.
 */
import { parsePhoneNumberFromString, getExampleNumber, type NumberType, type PhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { Country } from './countries.ts';

/**
 * Numbers set aside for examples, films and tests, that no one is ever given: the NANP's area code 555 (kept out
 * of service; the sandbox, the tests and the README's examples use it) and the UK's drama mobiles 07700 900xxx.
 * libphonenumber calls them invalid, as they belong to no one; they are accepted as numbers of their country
 * (texts to them are simply never delivered), so that a demo works with numbers that cannot reach a real person.
 * Other fictional ranges (NANP 555-0100…0199 in real area codes, Ofcom's 020 7946 0xxx) are valid to it already.
 */
const FICTIONAL: readonly { pattern: RegExp; country: Country }[] = [
  { pattern: /^\+1555\d{7}$/, country: 'US' },
  { pattern: /^\+447700900\d{3}$/, country: 'GB' },
];

const fictionalCountry = (e164: string): Country | undefined => FICTIONAL.find((f) => f.pattern.test(e164))?.country;

/** The stored form: '+', a country code that does not start with 0, 15 digits at most. */
const STORED = /^\+[1-9]\d{5,14}$/;

// What people write between digits; anything else (letters, extensions, other scripts' digits) is not a number.
const TYPED = /^\+?[\d\s\u00a0().\-/]+$/;

const exists = (p: PhoneNumber): boolean => p.isValid() || fictionalCountry(p.number) !== undefined;

/** A number as stored, if it is one that exists (or a fictional one, above). */
export function isE164(value: unknown): value is string {
  if (typeof value !== 'string' || !STORED.test(value)) return false;
  const p = parsePhoneNumberFromString(value);
  return p !== undefined && p.number === value && exists(p);
}

/**
 * A phone number as someone typed it, in E.164 — or null when it is none. With a '+' (or the international prefix
 * 00) it stands for itself; without, it is read as a national number of each of `countries` in turn (the first
 * where it exists wins: the sender's number's country, then the person's).
 */
export function parsePhone(raw: unknown, countries: readonly (Country | null | undefined)[] = []): string | null {
  if (typeof raw !== 'string') return null;
  const typed = raw.trim();
  if (typed.length === 0 || typed.length > 40 || !TYPED.test(typed)) return null;
  const international = typed.startsWith('+') ? typed : typed.startsWith('00') ? `+${typed.slice(2)}` : null;
  if (international !== null) {
    const p = parsePhoneNumberFromString(international);
    return p && exists(p) ? p.number : null;
  }
  for (const country of new Set(countries)) {
    if (!country) continue;
    const p = parsePhoneNumberFromString(typed, country);
    if (p && exists(p)) return p.number;
  }
  return null;
}

/** The country a stored number belongs to, where it tells (shared codes: by its range). */
export function countryOfNumber(e164: string): Country | null {
  return parsePhoneNumberFromString(e164)?.country ?? fictionalCountry(e164) ?? null;
}

// Types no carrier delivers a text to.
const UNTEXTABLE: ReadonlySet<NumberType> = new Set([
  'FIXED_LINE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'UAN',
  'VOICEMAIL',
] as const);

/**
 * Whether texts can reach the number: not a landline, premium-rate or voicemail number. Where a country's ranges do
 * not tell mobile from landline (the NANP's), the number may take texts.
 */
export function takesTexts(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return type === undefined || !UNTEXTABLE.has(type);
}

/**
 * `parsePhone` and `takesTexts` in one parse, for lists of thousands (a campaign's CSV): the number in E.164, or why
 * it cannot be texted — no number at all, or one of a type no carrier delivers texts to.
 */
export function parseTextable(
  raw: unknown,
  countries: readonly (Country | null | undefined)[] = [],
): { phone: string } | { refused: 'invalid' | 'untextable' } {
  if (typeof raw !== 'string') return { refused: 'invalid' };
  const typed = raw.trim();
  if (typed.length === 0 || typed.length > 40 || !TYPED.test(typed)) return { refused: 'invalid' };
  const international = typed.startsWith('+') ? typed : typed.startsWith('00') ? `+${typed.slice(2)}` : null;
  const tries = international !== null ? [undefined] : [...new Set(countries)].filter((c): c is Country => !!c);
  for (const country of tries) {
    const p = parsePhoneNumberFromString(international ?? typed, country);
    if (!p) continue;
    // With the 'max' metadata a number is valid exactly when it has a type: one look at the ranges answers both.
    const type = p.getType();
    if (type === undefined) {
      if (fictionalCountry(p.number) !== undefined) return { phone: p.number };
      continue;
    }
    return UNTEXTABLE.has(type) ? { refused: 'untextable' } : { phone: p.number };
  }
  return { refused: 'invalid' };
}

/**
 * How a person reads a number: as dialled at home (national format) when it is of their own country, else with its
 * country code (international format). What is no phone number (a sender's name) is shown as it is.
 */
export function formatPhone(e164: string, country: Country | null): string {
  const p = STORED.test(e164) ? parsePhoneNumberFromString(e164) : undefined;
  if (!p) return e164;
  const own = p.country ?? fictionalCountry(e164);
  return own !== undefined && own === country ? p.formatNational() : p.formatInternational();
}

/** A mobile number of the country as its people write it, for hints and messages (it parses back to itself). */
export function exampleNumber(country: Country): { national: string; international: string } | null {
  const p = getExampleNumber(country, examples);
  return p ? { national: p.formatNational(), international: p.formatInternational() } : null;
}
