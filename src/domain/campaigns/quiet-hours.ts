/**
 * Quiet hours: a campaign message goes out only while it is inside the send window in every zone the recipient may
 * be in (the contact's own zone, else all of the number's). Times of day are local wall-clock minutes, so daylight
 * saving time moves the window with the clock.
 */
import type { CampaignSettings, SendWindow } from './settings.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead a common moment is looked for; zones with none within it have no common window at all. */
const HORIZON = 2 * DAY;

/** The stricter window of the longest area-rule prefix the number starts with, else the default one. */
export function windowFor(settings: CampaignSettings, e164: string): SendWindow {
  let best: { length: number; window: SendWindow } | null = null;
  for (const rule of settings.areaRules) {
    for (const prefix of rule.prefixes) {
      if (e164.startsWith(prefix) && (best === null || prefix.length > best.length)) {
        best = { length: prefix.length, window: rule.window };
      }
    }
  }
  return best?.window ?? settings.window;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's wall clock at `t`, as if it were UTC (so Date.UTC arithmetic works on it). */
function wallClock(zone: string, t: number): number {
  const part = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatterOf(zone).formatToParts(t))
    if (p.type in part) part[p.type as keyof typeof part] = Number(p.value);
  return Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
}

const offsetAt = (zone: string, t: number): number => wallClock(zone, t) - Math.floor(t / 1000) * 1000;

/** The instant a wall-clock time happens in the zone (a time skipped by DST lands just after the gap). */
function instantOf(zone: string, wall: number): number {
  const guess = wall - offsetAt(zone, wall);
  return wall - offsetAt(zone, guess);
}

type Interval = [from: number, until: number];

/** The zone's send windows as instants, from the day before `now` to past the horizon. */
function windowsIn(zone: string, window: SendWindow, now: number): Interval[] {
  const today = Math.floor(wallClock(zone, now) / DAY) * DAY;
  const intervals: Interval[] = [];
  for (let day = -1; day <= 3; day++) {
    const midnight = today + day * DAY;
    intervals.push([
      instantOf(zone, midnight + window.from * MINUTE),
      instantOf(zone, midnight + window.until * MINUTE),
    ]);
  }
  return intervals;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]![0], b[j]![0]);
    const until = Math.min(a[i]![1], b[j]![1]);
    if (from < until) out.push([from, until]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/**
 * `now` when the local time in every zone is inside the window, else the earliest later moment when it is; null
 * when the zones share no moment inside the window in the next 48 hours (zones too far apart for the window: the
 * recipient is skipped as `no_window` rather than texted at night somewhere).
 */
export function nextSendTime(zones: readonly string[], window: SendWindow, now: number): number | null {
  let common: Interval[] | null = null;
  for (const zone of new Set(zones)) {
    const own = windowsIn(zone, window, now);
    common = common === null ? own : intersect(common, own);
    if (common.length === 0) return null;
  }
  if (common === null) return now;
  for (const [from, until] of common) {
    if (until <= now) continue;
    const at = Math.max(from, now);
    return at <= now + HORIZON ? at : null;
  }
  return null;
}
