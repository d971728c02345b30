/**
 * The IANA time zones this runtime knows, for settings (src/config) and for people's own choice (src/domain/users).
 */

/** The zones a person may pick: those the runtime lists, and UTC, which it leaves out of that list. */
export const timeZoneNames: readonly string[] = [
  'UTC',
  ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC'),
];
const listed = new Set(timeZoneNames);

/** A zone's name as listed (`US/Pacific` → `America/Los_Angeles`, `Etc/UTC` → `UTC`), or null for anything else. */
export function canonicalTimeZone(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 64) return null;
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: raw }).resolvedOptions().timeZone;
    return listed.has(name) ? name : null;
  } catch {
    return null;
  }
}
