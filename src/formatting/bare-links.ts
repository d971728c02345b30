/**
 * Bare http(s) links in a message, by one rule shared by the Markdown reader (markdown.ts, which links them) and
 * campaigns (which shorten them): a link starts at http:// or https:// not glued to a word before it, runs to a
 * space or one of <>", and does not end with the punctuation of the sentence around it ("see https://x.example/a."
 * keeps its dot outside). Found from arrays read once each way, so crafted text costs its length, never more.
 */

const SPACE = /\s/;
/** \s, with the ASCII answer looked up rather than matched: it is asked for every character of a message. */
export function isSpace(c: string | undefined): boolean {
  if (c === undefined) return true;
  const code = c.charCodeAt(0);
  return code < 128 ? code === 32 || (code >= 9 && code <= 13) : SPACE.test(c);
}

const WORD = /\w/;
/** Besides spaces, what ends a bare link. */
const URL_EXCLUDED = '<>"';
/** What a bare link does not end with: a closing punctuation mark that belongs to the sentence. */
const URL_NOT_LAST = '<>".,;:!?)]\'';

/** For each position: where the run of link characters from it ends, and the last one a link may end with up to it. */
export interface LinkRuns {
  end: Int32Array;
  lastEnd: Int32Array;
}

export function linkRuns(text: string): LinkRuns {
  const n = text.length;
  const end = new Int32Array(n + 1);
  end[n] = n;
  for (let i = n - 1; i >= 0; i--) end[i] = isSpace(text[i]) || URL_EXCLUDED.includes(text[i]!) ? i : end[i + 1]!;
  const lastEnd = new Int32Array(n + 1).fill(-1);
  for (let i = 0; i < n; i++)
    lastEnd[i] = isSpace(text[i]) || URL_NOT_LAST.includes(text[i]!) ? (i > 0 ? lastEnd[i - 1]! : -1) : i;
  return { end, lastEnd };
}

/**
 * The end (exclusive) of a bare link starting at `i`, reading no further than `hi`, or -1. `before` is the
 * character that counts as standing before it (none where reading resumed).
 */
export function bareLinkAt(text: string, runs: LinkRuns, i: number, hi: number, before: string | undefined): number {
  if (text[i] !== 'h' || (before !== undefined && WORD.test(before))) return -1;
  const scheme = text.startsWith('https://', i) ? 8 : text.startsWith('http://', i) ? 7 : 0;
  if (scheme === 0) return -1;
  const runEnd = Math.min(runs.end[i + scheme]!, hi);
  const last = runEnd > i + scheme ? runs.lastEnd[runEnd - 1]! : -1;
  return last >= i + scheme ? last + 1 : -1;
}

/** Every bare link in `text`, left to right: [start, end) of each. */
export function bareLinks(text: string): { start: number; end: number }[] {
  const runs = linkRuns(text);
  const found: { start: number; end: number }[] = [];
  for (let i = text.indexOf('http'); i >= 0; i = text.indexOf('http', i + 1)) {
    const end = bareLinkAt(text, runs, i, text.length, i > 0 ? text[i - 1] : undefined);
    if (end < 0) continue;
    found.push({ start: i, end });
    i = end - 1;
  }
  return found;
}
