import { en, type MessageKey } from './en/index.ts';
import { catalogs, locales, type Locale } from './languages.ts';
import type { Plural } from './types.ts';

export { locales, type Locale, type MessageKey };
type Params = Record<string, string | number>;
/** Keys whose text shows a count: English gives plural forms, chosen by the parameter `n`. */
export type PluralKey = { [K in MessageKey]: (typeof en)[K] extends string ? never : K }[MessageKey];
/** A plural key needs its count; a key only known as "some key" (a domain error's) takes the parameters it carries. */
type ParamsOf<K extends MessageKey> = K extends PluralKey ? [params: Params & { n: number }] : [params?: Params];
export type Translate = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => string;

/** The languages a person can choose, each named in itself ("Deutsch"), as Intl knows them. */
export const languageChoices = locales.map((locale) => {
  const name = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
  return { locale, name: name.charAt(0).toLocaleUpperCase(locale) + name.slice(1) };
});

/** For keys built at run time (an audit action's name): whether the catalogs have it. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

const translators = new Map<Locale, Translate>();

/** One per language, built once: it holds the language's Intl.PluralRules, which is costly to build. */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = build(locale)));
  return t;
}

function build(locale: Locale): Translate {
  const catalog: Record<MessageKey, string | Plural> = catalogs[locale];
  const plural = new Intl.PluralRules(locale);
  return (key, ...[params]) => {
    // A key a template builds at run time may be missing; it then shows as itself.
    const message = catalog[key] ?? key;
    const text = typeof message === 'string' ? message : (message[plural.select(Number(params?.n))] ?? message.other);
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

const formatters = new Map<Locale, Map<string, (ms: number) => string>>();

/** Building an Intl.DateTimeFormat is costly; one per language and time zone serves every render. */
export function timeFormatter(locale: Locale, timeZone: string): (ms: number) => string {
  let inLocale = formatters.get(locale);
  if (!inLocale) formatters.set(locale, (inLocale = new Map<string, (ms: number) => string>()));
  let format = inLocale.get(timeZone);
  if (!format) {
    const intl = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone });
    inLocale.set(timeZone, (format = (ms) => intl.format(ms)));
  }
  return format;
}

const DAY = 86_400_000;

/** A day's number in a time zone (days since 1970 there), for telling today from yesterday. */
function dayNumber(dayOf: Intl.DateTimeFormat, ms: number): number {
  const p = Object.fromEntries(dayOf.formatToParts(ms).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / DAY;
}

/**
 * A row's age, short enough for every row of a list: "now", "3 min", "5 h" today, "Yesterday", the weekday
 * within a week, the day and month this year, else the date — days as the viewer's time zone counts them.
 */
export function ageFormatter(
  t: Translate,
  now: () => number,
  locale: Locale,
  timeZone: string,
): (ms: number) => string {
  const f = dayFormats(locale, timeZone);
  return (ms) => {
    const at = now();
    const minutes = Math.floor((at - ms) / 60_000);
    if (minutes < 1) return t('age.now');
    if (minutes < 60) return t('age.minutes', { n: minutes });
    const days = dayNumber(f.dayOf, at) - dayNumber(f.dayOf, ms);
    if (days === 0) return t('age.hours', { n: Math.floor(minutes / 60) });
    if (days === 1) return t('age.yesterday');
    if (days < 7) return f.weekday.format(ms);
    return f.yearOf.format(ms) === f.yearOf.format(at) ? f.dayMonth.format(ms) : f.date.format(ms);
  };
}

const dayFormatCache = new Map<string, ReturnType<typeof buildDayFormats>>();

/** The formats an age needs, built once per language and time zone (every render asks). */
function dayFormats(locale: Locale, timeZone: string) {
  const key = `${locale} ${timeZone}`;
  let f = dayFormatCache.get(key);
  if (!f) dayFormatCache.set(key, (f = buildDayFormats(locale, timeZone)));
  return f;
}

function buildDayFormats(locale: Locale, timeZone: string) {
  return {
    dayOf: new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }),
    yearOf: new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }),
    weekday: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short' }),
    dayMonth: new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short' }),
    date: new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'short' }),
  };
}

/** The user's own choice wins; otherwise the best match in Accept-Language; otherwise the configured default. */
export function pickLocale(
  userLocale: string | null | undefined,
  acceptLanguage: string | undefined,
  fallback: Locale,
): Locale {
  if (userLocale && (locales as readonly string[]).includes(userLocale)) return userLocale as Locale;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...opts] = part.trim().split(';');
      const q = opts.map((o) => o.trim()).find((o) => o.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.lang && x.q > 0)
    .sort((a, b) => b.q - a.q);
  const hit = ranked.find((x) => (locales as readonly string[]).includes(x.lang));
  return (hit?.lang as Locale | undefined) ?? fallback;
}
