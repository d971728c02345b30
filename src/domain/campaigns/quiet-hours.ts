/**
 * Quiet hours: a campaign message goes out only while it is inside the send window in every zone the recipient may
 * be in (the contact's own zone, else all of the number's). Times of day are local wall-clock minutes, so daylight
 * saving time moves the window with the clock.
 */
import { instantOf, wallAt } from '../calendar.ts';
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

type Interval = [from: number, until: number];

/** The zone's send windows as instants, from the day before `now` to past the horizon. */
function windowsIn(zone: string, window: SendWindow, now: number): Interval[] {
  const today = Math.floor(wallAt(now, zone).getTime() / DAY) * DAY;
  const intervals: Interval[] = [];
  for (let day = -1; day <= 3; day++) {
    const midnight = today + day * DAY;
    intervals.push([
      instantOf(midnight + window.from * MINUTE, zone),
      instantOf(midnight + window.until * MINUTE, zone),
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
