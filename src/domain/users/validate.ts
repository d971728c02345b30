import { canonicalTimeZone } from '../../lib/time-zones.ts';
import { invalid } from '../errors.ts';
import { roles, type Role } from '../../db/schema/users.ts';
import { locales, type Locale } from '../../i18n/languages.ts';

/** The roles there are, for forms that offer them: above the domain nothing reads the schema. */
export { roles };

export const PASSWORD_MIN = 12;
const PASSWORD_MAX = 256;

export function normalizeEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('user.email_invalid', 'email');
  return email;
}

export function checkPassword(raw: unknown, field = 'password'): string {
  const password = typeof raw === 'string' ? raw : '';
  if ([...password].length < PASSWORD_MIN) throw invalid('user.password_short', field, { min: PASSWORD_MIN });
  if (password.length > PASSWORD_MAX) throw invalid('user.password_long', field, { max: PASSWORD_MAX });
  return password;
}

export function checkRole(raw: unknown): Role {
  if (!roles.includes(raw as Role)) throw invalid('user.role_invalid', 'role');
  return raw as Role;
}

export function checkLocale(raw: unknown): Locale | null {
  if (raw === '' || raw === undefined || raw === null) return null;
  if (!locales.includes(raw as Locale)) throw invalid('user.locale_invalid', 'locale');
  return raw as Locale;
}

/** One of the zones offered (`timeZoneNames`), as listed; empty is none (the server's applies). */
export function checkTimeZone(raw: unknown): string | null {
  if (raw === '' || raw === undefined || raw === null) return null;
  const zone = canonicalTimeZone(raw);
  if (zone === null) throw invalid('user.time_zone_invalid', 'time_zone');
  return zone;
}
