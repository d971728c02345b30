import { formsOf } from './spelling.ts';

/** A piece of a snippet: plain text, `hit` where it matched. Never HTML: whoever shows it escapes it. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** What FTS5's highlight() is told to put around a match: control characters no text carries. */
export const OPEN = '\u0002';
export const CLOSE = '\u0003';

/** Parts built piece by piece: empty pieces dropped, neighbours of the same kind joined into one. */
function partsBuilder(): { parts: SnippetPart[]; push: (text: string, hit: boolean) => void } {
  const parts: SnippetPart[] = [];
  const push = (text: string, hit: boolean): void => {
    if (text === '') return;
    const last = parts[parts.length - 1];
    if (last && last.hit === hit) last.text += text;
    else parts.push({ text, hit });
  };
  return { parts, push };
}

/** FTS5's marked text as parts. */
export function snippetParts(marked: string): SnippetPart[] {
  const { parts, push } = partsBuilder();
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

const wordsOf = (text: string) => [...text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)];

/** Which searched words (their indexes) a word of a text is: as the index matches, the last maybe as a prefix. */
function matcher(searched: string[][], prefix: boolean): (word: string) => number[] {
  const last = searched.length - 1;
  return (word) => {
    const forms = formsOf(word);
    return searched.flatMap((spellings, i) =>
      spellings.some((s) => forms.some((f) => f === s || (prefix && i === last && f.startsWith(s)))) ? [i] : [],
    );
  };
}

/** Whether a text holds every searched word (what the index's AND asks), read from the text alone. */
export function textMatches(text: string, searched: string[][], prefix: boolean): boolean {
  const match = matcher(searched, prefix);
  const found = new Set<number>();
  for (const [word] of wordsOf(text)) for (const i of match(word)) found.add(i);
  return found.size === searched.length;
}

/**
 * A text's words around its first match, the matching words marked: what FTS5's snippet() gives, worked out
 * here from the text alone (snippet() reads the whole query again for each text, which for a prefix of a common
 * word costs as much as the search).
 */
export function textSnippet(text: string, searched: string[][], prefix: boolean, width = 16): SnippetPart[] {
  const tokens = wordsOf(text);
  if (tokens.length === 0) return text ? [{ text, hit: false }] : [];
  const match = matcher(searched, prefix);
  const hit = tokens.map((t) => match(t[0]).length > 0);
  const first = Math.max(0, hit.indexOf(true));
  const from = Math.max(0, Math.min(first - 3, tokens.length - width));
  const to = Math.min(tokens.length, from + width) - 1;
  const start = from === 0 ? 0 : tokens[from]!.index;
  const end = to === tokens.length - 1 ? text.length : tokens[to]!.index + tokens[to]![0].length;
  const { parts, push } = partsBuilder();
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
