import { instantOf, wallAt } from '../calendar.ts';
import { invalid } from '../errors.ts';

/** The choices a snooze or a scheduled reply offers, as the forms send them (`when`), `at` with a picked time. */
export const laterChoices = ['later_today', 'tomorrow', 'next_week', 'at'] as const;
export type LaterChoice = (typeof laterChoices)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Later today" is this much later: long enough to matter, still within a working day. */
const LATER_TODAY = 3 * HOUR;
/** Where a working morning starts, for tomorrow and next week. */
const MORNING_HOUR = 9;
/** Nothing is put off further than this: a year is a plan, not a snooze. */
export const LATEST = 366 * DAY;

/** 09:00 on the day `days` after the wall day of `now` in `zone`. */
function morning(now: number, zone: string, days: number): number {
  const today = wallAt(now, zone);
  const wall = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days, MORNING_HOUR);
  return instantOf(wall, zone);
}

/** `2026-12-07T09:30` (a datetime-local field) read in `zone`; null when it is no such time. */
function picked(raw: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(raw);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return instantOf(wall, zone);
}

/**
 * When a choice means, for someone in `zone` at `now`: later today is three hours on (to the minute), tomorrow
 * and next week 09:00 on the next day and on the next Monday, `at` the picked time. Refused (422, on the field
 * `at`) when it is no choice, no time, not in the future, or more than a year ahead.
 */
export function whenOf(choice: string, at: string, zone: string, now: number): number {
  let due: number | null;
  if (choice === 'later_today') due = Math.ceil((now + LATER_TODAY) / 60_000) * 60_000;
  else if (choice === 'tomorrow') due = morning(now, zone, 1);
  else if (choice === 'next_week') {
    const weekday = wallAt(now, zone).getUTCDay();
    due = morning(now, zone, (8 - weekday) % 7 || 7);
  } else if (choice === 'at') {
    if (at.trim() === '') throw invalid('later.at_missing', 'at');
    due = picked(at.trim(), zone);
  } else throw invalid('later.choice_bad', 'at');
  if (due === null) throw invalid('later.at_bad', 'at');
  if (due <= now) throw invalid('later.at_past', 'at');
  if (due - now > LATEST) throw invalid('later.at_far', 'at');
  return due;
}
