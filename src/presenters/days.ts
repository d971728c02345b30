import type { Locale, Translate } from '../i18n/index.ts';

/** A day of the timeline as its separator shows it. */
export interface Day {
  /** The calendar day in the viewer's time zone (2026-12-06): one separator per day. */
  key: string;
  /** "Today", "Yesterday", or the date in the viewer's language. */
  label: string;
  /**
   * Where the separator sorts among the items' `data-order` (their time in ms): just before the day's first
   * millisecond, so that a pushed item's separator lands above the day's items and below the day before's.
   */
  order: string;
}

/** The formatters of one language and time zone, made once: every page and pushed item asks for them. */
const zones = new Map<string, ReturnType<typeof zoneOf>>();

function zoneOf(locale: Locale, timeZone: string) {
  return {
    keyOf: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    parts: new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
    sameYear: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }),
    otherYear: new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full' }),
    yearOf: new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }),
  };
}

/**
 * The day an item was written on, in the viewer's time zone, with its label as of `now` (a page left open
 * overnight says "Today" for yesterday until it is drawn again).
 */
export function dayFormatter(locale: Locale, timeZone: string, t: Translate, now: () => number): (ms: number) => Day {
  const id = `${locale} ${timeZone}`;
  let zone = zones.get(id);
  if (!zone) zones.set(id, (zone = zoneOf(locale, timeZone)));
  const { keyOf, parts, sameYear, otherYear, yearOf } = zone;
  /** How far the zone is ahead of UTC at `ms`. */
  const offset = (ms: number): number => {
    const p = Object.fromEntries(parts.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };
  /** The first millisecond of the day `key` in the zone (twice: the offset at midnight may differ from noon's). */
  const midnight = (key: string): number => {
    const [y, m, d] = key.split('-').map(Number);
    const utc = Date.UTC(y!, m! - 1, d);
    return utc - offset(utc - offset(utc));
  };
  return (ms) => {
    const key = keyOf.format(ms);
    const today = keyOf.format(now());
    const label =
      key === today
        ? t('timeline.today')
        : key === keyOf.format(midnight(today) - 1)
          ? t('timeline.yesterday')
          : yearOf.format(ms) === yearOf.format(now())
            ? sameYear.format(ms)
            : otherYear.format(ms);
    return { key, label, order: `${midnight(key) - 1}.5` };
  };
}
