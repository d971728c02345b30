import { readFileSync } from 'node:fs';
import type { Locale } from '../../i18n/index.ts';
import { emojiDataFile } from '../../paths.ts';

export interface Emoji {
  unicode: string;
  label: string;
  tags: string[];
}

interface CompactEmoji {
  unicode: string;
  label: string;
  tags?: string[];
  group?: number;
  order?: number;
}

/** Emojibase's "component" group: skin tones and hair styles, not emoji to pick on their own. */
const COMPONENTS = 2;

function catalog(data: CompactEmoji[]): Emoji[] {
  return data
    .filter((e) => e.group !== undefined && e.group !== COMPONENTS && e.order !== undefined)
    .sort((a, b) => a.order! - b.order!)
    .map((e) => ({ unicode: e.unicode, label: e.label, tags: e.tags ?? [] }));
}

const catalogs = new Map<Locale, Emoji[]>();
/** A language's catalogue, read from emojibase's data the first time it is asked for. */
function catalogOf(locale: Locale): Emoji[] {
  let list = catalogs.get(locale);
  if (!list)
    catalogs.set(locale, (list = catalog(JSON.parse(readFileSync(emojiDataFile(locale), 'utf8')) as CompactEmoji[])));
  return list;
}

/** Emoji are compared without variation selectors: 👍 and 👍️ are one emoji. */
const bare = (emoji: string): string => emoji.replace(/\uFE0F/g, '');
let known: Map<string, string> | null = null;

/** The catalogue's form of an emoji, or null when the text is not one emoji we know. */
export function knownEmoji(text: unknown): string | null {
  known ??= new Map(catalogOf('en').map((e) => [bare(e.unicode), e.unicode]));
  return typeof text === 'string' && text.length <= 16 ? (known.get(bare(text)) ?? null) : null;
}

/** Emoji whose name or keywords contain the query, names starting with it first; the catalogue's order otherwise. */
export function searchEmoji(query: string, locale: Locale, limit = 48): Emoji[] {
  const q = query.trim().toLowerCase();
  const list = catalogOf(locale);
  if (!q) return list.slice(0, limit);
  const starts: Emoji[] = [];
  const contains: Emoji[] = [];
  for (const e of list) {
    const label = e.label.toLowerCase();
    if (label.startsWith(q) || e.tags.some((t) => t.startsWith(q))) starts.push(e);
    else if (label.includes(q)) contains.push(e);
    if (starts.length >= limit) break;
  }
  return [...starts, ...contains].slice(0, limit);
}

/** An emoji's name in the reader's language, for accessible labels. */
export function emojiLabel(emoji: string, locale: Locale): string {
  const b = bare(emoji);
  return catalogOf(locale).find((e) => bare(e.unicode) === b)?.label ?? emoji;
}
