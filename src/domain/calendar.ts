/**
 * Time zones and days. Each person sees times, and picks days, in their own zone (an IANA name such as
 * `Europe/Berlin`); a day there runs from midnight to midnight, 23 or 25 hours on the days the clocks change.
 * Offsets are asked of Intl for the moment in question, never assumed fixed.
 */

const HOUR = 3_600_000;

/** One per zone: building an Intl.DateTimeFormat costs far more than using one. */
const wallClocks = new Map<string, Intl.DateTimeFormat>();

function wallClock(zone: string): Intl.DateTimeFormat {
  let clock = wallClocks.get(zone);
  if (!clock) {
    const parts = {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    } as const;
    clock = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', ...parts });
    wallClocks.set(zone, clock);
  }
  return clock;
}

/** How far the zone's clocks are ahead of UTC at `ms`. */
function offsetAt(ms: number, zone: string): number {
  const at = Math.floor(ms / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of wallClock(zone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) - at;
}

/** `2026-11-25` as that date's midnight in UTC (a calendar date, not yet an instant), or null when it is no date. */
function calendarDay(raw: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March: such a date is refused, not moved.
  if (year < 1000 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return ms;
}

/**
 * The first instant of the day `raw` (`2026-11-25`), `plusDays` later, in `zone`; null when `raw` is no date. The
 * end of a range of days is the start of the day after its last one.
 */
export function dayStart(raw: string, zone: string, plusDays = 0): number | null {
  const day = calendarDay(raw);
  if (day === null) return null;
  const wall = day + plusDays * 24 * HOUR;
  // A day's start is within 14 hours of its midnight in UTC; the zone's clocks change at most once around it.
  const before = offsetAt(wall - 24 * HOUR, zone);
  const after = offsetAt(wall + 24 * HOUR, zone);
  if (before === after) return wall - before;
  const valid = [wall - before, wall - after].filter((t, i) => offsetAt(t, zone) === (i === 0 ? before : after));
  // Where midnight comes twice (clocks set back at midnight), the day starts at the first one.
  if (valid.length > 0) return Math.min(...valid);
  // Where midnight is skipped (clocks set forward at midnight), the day starts when the clocks jump.
  let [lo, hi] = [Math.min(wall - before, wall - after), Math.max(wall - before, wall - after)];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The wall clock in `zone` at `ms`: its date and time as the fields of a UTC date (read with getUTC…). */
export function wallAt(ms: number, zone: string): Date {
  return new Date(ms + offsetAt(ms, zone));
}

/**
 * The instant the clocks in `zone` show `wall` (a UTC-field date, as `wallAt` gives). A time the clocks skip (spring
 * forward) comes out an hour later; one they show twice, the first of the two.
 */
export function instantOf(wall: number, zone: string): number {
  const before = offsetAt(wall - 24 * HOUR, zone);
  const after = offsetAt(wall + 24 * HOUR, zone);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, zone) === wall - t);
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}
