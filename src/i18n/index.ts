import { en, type MessageKey } from './en/index.ts';
import { catalogs, locales, type Locale } from './languages.ts';

export { locales, type Locale, type MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** For keys built at run time (an audit action's name): whether the catalogs have it. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

export function translator(locale: Locale): Translate {
  const catalog: Record<MessageKey, string> = catalogs[locale];
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

const formatters = new Map<Locale, Map<string, (ms: number) => string>>();

/** Building an Intl.DateTimeFormat is costly; one per language and time zone serves every render. */
export function timeFormatter(locale: Locale, timeZone: string): (ms: number) => string {
  let inLocale = formatters.get(locale);
  if (!inLocale) formatters.set(locale, (inLocale = new Map()));
  let format = inLocale.get(timeZone);
  if (!format) {
    const intl = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone });
    inLocale.set(timeZone, (format = (ms) => intl.format(ms)));
  }
  return format;
}

/** A row's age as "now", "3 min", "5 h", "2 d": short enough for every row of a list. */
export function ageFormatter(t: Translate, now: () => number): (ms: number) => string {
  return (ms) => {
    const minutes = Math.floor((now() - ms) / 60_000);
    if (minutes < 1) return t('age.now');
    if (minutes < 60) return t('age.minutes', { n: minutes });
    const hours = Math.floor(minutes / 60);
    if (hours < 24) return t('age.hours', { n: hours });
    return t('age.days', { n: Math.floor(hours / 24) });
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
