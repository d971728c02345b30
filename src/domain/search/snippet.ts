/** A piece of a snippet: plain text, `hit` where it matched. Never HTML: whoever shows it escapes it. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** What FTS5's snippet() and highlight() are told to put around a match: control characters no text carries. */
export const OPEN = '\u0002';
export const CLOSE = '\u0003';

/** FTS5's marked text as parts; adjacent matches joined into one. */
export function snippetParts(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, hit: boolean): void => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += text;
    else parts.push({ text, hit });
  };
  let rest = marked;
  for (let open = rest.indexOf(OPEN); open !== -1; open = rest.indexOf(OPEN)) {
    const close = rest.indexOf(CLOSE, open);
    if (close === -1) break;
    push(rest.slice(0, open), false);
    push(rest.slice(open + 1, close), true);
    rest = rest.slice(close + 1);
  }
  push(rest.replaceAll(OPEN, '').replaceAll(CLOSE, ''), false);
  return parts;
}

/** Whether a marked text holds a match at all. */
export const hasHit = (marked: string | null): marked is string => marked !== null && marked.includes(OPEN);

/** Words as the index compares them: lower case, without diacritics, in either German spelling. */
const bare = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '');
export const formsOf = (word: string, fold: (w: string) => string): string[] => {
  const lower = word.toLowerCase().normalize('NFC');
  return [...new Set([bare(lower), bare(fold(lower))])];
};

const wordsOf = (text: string) => [...text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)];

/** Which searched word (its index) a word of a text matches, or -1: as the index matches, the last maybe as a prefix. */
function matcher(searched: string[][], prefix: boolean, fold: (w: string) => string): (word: string) => number {
  const last = searched.length - 1;
  return (word) => {
    const forms = formsOf(word, fold);
    return searched.findIndex((spellings, i) =>
      spellings.some((s) => forms.some((f) => f === s || (prefix && i === last && f.startsWith(s)))),
    );
  };
}

/** Whether a text holds every searched word (what the index's AND asks), read from the text alone. */
export function textMatches(text: string, searched: string[][], prefix: boolean, fold: (w: string) => string): boolean {
  const match = matcher(searched, prefix, fold);
  const found = new Set<number>();
  for (const [word] of wordsOf(text)) {
    const i = match(word);
    if (i !== -1) found.add(i);
  }
  return found.size === searched.length;
}

/**
 * A text's words around its first match, the matching words marked: what FTS5's snippet() gives, worked out
 * here from the text alone (snippet() reads the whole query again for each text, which for a prefix of a common
 * word costs as much as the search).
 */
export function textSnippet(
  text: string,
  searched: string[][],
  prefix: boolean,
  fold: (w: string) => string,
  width = 16,
): SnippetPart[] {
  const tokens = wordsOf(text);
  if (tokens.length === 0) return text ? [{ text, hit: false }] : [];
  const match = matcher(searched, prefix, fold);
  const hit = tokens.map((t) => match(t[0]) !== -1);
  const first = Math.max(0, hit.indexOf(true));
  const from = Math.max(0, Math.min(first - 3, tokens.length - width));
  const to = Math.min(tokens.length, from + width) - 1;
  const start = from === 0 ? 0 : tokens[from]!.index;
  const end = to === tokens.length - 1 ? text.length : tokens[to]!.index + tokens[to]![0].length;
  const parts: SnippetPart[] = [];
  const push = (part: string, isHit: boolean): void => {
    if (part === '') return;
    const prev = parts[parts.length - 1];
    if (prev && prev.hit === isHit) prev.text += part;
    else parts.push({ text: part, hit: isHit });
  };
  if (from > 0) push('…', false);
  let at = start;
  for (let i = from; i <= to; i++) {
    const t = tokens[i]!;
    push(text.slice(at, t.index), false);
    push(t[0], hit[i]!);
    at = t.index + t[0].length;
  }
  push(text.slice(at, end), false);
  if (to < tokens.length - 1) push('…', false);
  return parts;
}
