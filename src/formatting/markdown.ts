/**
 * The small Markdown agents write in: **bold**, _italic_ (or *italic*), ~~strikethrough~~, [links](https://…),
 * bare https:// links, "- " bulleted and "1. " numbered lists. One parser feeds two outputs: safe HTML for
 * the app (everything escaped; links only to http(s), mailto and tel) and plain text for SMS (markers
 * dropped, links kept as URLs). Anything else is text.
 */

import { bareLinkAt, isSpace, linkRuns } from './bare-links.ts';

type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'del'; children: Inline[] }
  | { kind: 'link'; text: string; url: string };

/** `gap`: a blank line came before it (kept in plain text, where a list right under a line stays right under it). */
type Block = ({ kind: 'paragraph'; lines: Inline[][] } | { kind: 'ul' | 'ol'; items: Inline[][] }) & { gap: boolean };

/** Nesting deeper than this is text: real messages nest two or three markers; a crafted one could nest thousands. */
const MAX_DEPTH = 8;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** What may not stand right outside an _italic_ marker: a letter, a digit or another marker (snake_case, 2*3*4). */
function isEmphasisNeighbour(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code >= 128) return LETTER_OR_DIGIT.test(c);
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || c === '*' || c === '_'
  );
}
/** The characters a token can start with: a link's bracket, a bare link's h, the markers. */
const STARTS = new Set(['[', 'h', '*', '_', '~']);
/** Besides spaces, what ends a [link](…)'s address (bare links: bare-links.ts). */
const LINK_URL_EXCLUDED = '()<>"';
const LINK_SCHEMES = ['https://', 'http://', 'mailto:', 'tel:'];

/**
 * One line, read once: for each position, where the next closing marker of each kind is and where runs of
 * link characters end, so that trying a marker at a position costs the same however long the line is.
 */
function scan(text: string) {
  const n = text.length;
  const nextOf = (isAt: (i: number) => boolean): Int32Array => {
    const next = new Int32Array(n + 2).fill(-1);
    for (let i = n - 1; i >= 0; i--) next[i] = isAt(i) ? i : next[i + 1]!;
    return next;
  };
  const runEnds = (excluded: string): Int32Array => {
    const end = new Int32Array(n + 1);
    end[n] = n;
    for (let i = n - 1; i >= 0; i--) end[i] = isSpace(text[i]) || excluded.includes(text[i]!) ? i : end[i + 1]!;
    return end;
  };
  // A double marker closes where it stands right after a non-space; a single one also needs no word after it
  // (checked against the end of the part being read, see emphasisCloser).
  const doubleCloser = (c: string) =>
    nextOf((i) => text[i] === c && text[i + 1] === c && i > 0 && !isSpace(text[i - 1]));
  const singleCloser = (c: string) =>
    nextOf((i) => text[i] === c && i > 0 && !isSpace(text[i - 1]) && !(i + 1 < n && isEmphasisNeighbour(text[i + 1]!)));
  return {
    text,
    bracket: nextOf((i) => text[i] === ']'),
    bare: linkRuns(text),
    linkUrl: runEnds(LINK_URL_EXCLUDED),
    strong: doubleCloser('*'),
    del: doubleCloser('~'),
    em: { '*': singleCloser('*'), _: singleCloser('_') } as Record<string, Int32Array>,
  };
}
type Scan = ReturnType<typeof scan>;

type Found = { end: number; node: Inline; inner?: [number, number] };

/** A token starting at `i` in text[lo, hi), or null; `lo` is where reading resumed (nothing before it counts). */
function tokenAt(s: Scan, i: number, lo: number, hi: number): Found | null {
  const t = s.text;
  const c = t[i];
  const before = i > lo ? t[i - 1] : undefined;
  if (c === '[') {
    const close = s.bracket[i + 1]!;
    if (close >= 0 && close + 1 < hi && close - i - 1 >= 1 && close - i - 1 <= 300 && t[close + 1] === '(') {
      const start = close + 2;
      const scheme = LINK_SCHEMES.find((p) => t.startsWith(p, start));
      if (scheme) {
        const end = Math.min(s.linkUrl[start + scheme.length]!, hi);
        const length = end - start - scheme.length;
        if (length >= 1 && length <= 2000 && end < hi && t[end] === ')') {
          return { end: end + 1, node: { kind: 'link', text: t.slice(i + 1, close), url: t.slice(start, end) } };
        }
      }
    }
  }
  if (c === 'h') {
    const end = bareLinkAt(t, s.bare, i, hi, before);
    if (end >= 0) {
      const url = t.slice(i, end);
      return { end, node: { kind: 'link', text: url, url } };
    }
  }
  if ((c === '*' || c === '~') && t[i + 1] === c && i + 2 < hi && !isSpace(t[i + 2])) {
    const close = (c === '*' ? s.strong : s.del)[i + 3]!;
    if (close >= 0 && close + 1 < hi)
      return { end: close + 2, node: { kind: c === '*' ? 'strong' : 'del', children: [] }, inner: [i + 2, close] };
  }
  if (
    (c === '*' || c === '_') &&
    !(before !== undefined && isEmphasisNeighbour(before)) &&
    i + 1 < hi &&
    !isSpace(t[i + 1])
  ) {
    const close = emphasisCloser(s, c, i + 2, hi);
    if (close >= 0) return { end: close + 1, node: { kind: 'em', children: [] }, inner: [i + 1, close] };
  }
  return null;
}

/** The first single marker `c` from `from` that closes inside text[…, hi): the part's end counts as a boundary. */
function emphasisCloser(s: Scan, c: string, from: number, hi: number): number {
  const close = s.em[c]![from] ?? -1;
  if (close >= 0 && close < hi - 1) return close;
  const last = hi - 1;
  return last >= from && s.text[last] === c && !isSpace(s.text[last - 1]) ? last : -1;
}

/** Positions the reader has looked at since `readingSteps` began counting: what tests hold linear. */
let steps = 0;

/** text[lo, hi) as inline nodes, left to right; the earliest token wins, a link before a bare URL before the markers. */
function inline(s: Scan, lo: number, hi: number, depth: number): Inline[] {
  const out: Inline[] = [];
  let from = lo;
  let textStart = lo;
  steps += hi - lo;
  for (let i = lo; i < hi; i++) {
    const found = depth < MAX_DEPTH && STARTS.has(s.text[i]!) ? tokenAt(s, i, from, hi) : null;
    if (!found) continue;
    if (i > textStart) out.push({ kind: 'text', text: s.text.slice(textStart, i) });
    const { node, inner } = found;
    if (inner && node.kind !== 'text' && node.kind !== 'link') node.children = inline(s, inner[0], inner[1], depth + 1);
    out.push(node);
    i = found.end - 1;
    from = textStart = found.end;
  }
  if (textStart < hi) out.push({ kind: 'text', text: s.text.slice(textStart, hi) });
  return out;
}

function parseInline(text: string): Inline[] {
  return inline(scan(text), 0, text.length, 0);
}

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+(.*)$/;

function parse(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: Inline[][] = [];
  let gap = false;
  const flush = () => {
    if (paragraph.length === 0) return;
    blocks.push({ kind: 'paragraph', lines: paragraph, gap });
    gap = false;
    paragraph = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      flush();
      const kind = bullet ? 'ul' : 'ol';
      const last = blocks[blocks.length - 1];
      if (last && last.kind === kind && !gap) last.items.push(parseInline(item[1]!));
      else blocks.push({ kind, items: [parseInline(item[1]!)], gap });
      gap = false;
    } else if (line.trim() === '') {
      flush();
      gap = blocks.length > 0;
    } else {
      paragraph.push(parseInline(line));
    }
  }
  flush();
  return blocks;
}

/** How many positions reading `markdown` looks at (each nesting level reads its part again): the work, counted. */
export function readingSteps(markdown: string): number {
  steps = 0;
  parse(markdown);
  return steps;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      if (n.kind === 'text') return escapeHtml(n.text);
      if (n.kind === 'link')
        return `<a href="${escapeHtml(n.url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(n.text)}</a>`;
      return `<${n.kind}>${inlineHtml(n.children)}</${n.kind}>`;
    })
    .join('');
}

/** Safe HTML for showing a message inside the app. */
export function renderMarkdown(markdown: string): string {
  return parse(markdown)
    .map((b) =>
      b.kind === 'paragraph'
        ? `<p>${b.lines.map(inlineHtml).join('<br>')}</p>`
        : `<${b.kind}>${b.items.map((i) => `<li>${inlineHtml(i)}</li>`).join('')}</${b.kind}>`,
    )
    .join('');
}

function inlinePlain(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      if (n.kind === 'text') return n.text;
      if (n.kind === 'link') return n.text === n.url ? n.url : `${n.text} (${n.url.replace(/^(mailto|tel):/, '')})`;
      return inlinePlain(n.children);
    })
    .join('');
}

/** What a channel without formatting sends (SMS): the words, list markers as typed, links as URLs. */
export function toPlainText(markdown: string): string {
  return parse(markdown)
    .map((b, i) => {
      const text =
        b.kind === 'paragraph'
          ? b.lines.map(inlinePlain).join('\n')
          : b.items.map((item, n) => `${b.kind === 'ul' ? '-' : `${n + 1}.`} ${inlinePlain(item)}`).join('\n');
      return i === 0 ? text : `${b.gap ? '\n\n' : '\n'}${text}`;
    })
    .join('');
}

/** A list row reads this much of a message at most (the rest cannot reach one line), and shows this much of it. */
export const PREVIEW_READ = 400;
export const PREVIEW_LENGTH = 120;

function inlineWords(nodes: Inline[]): string {
  return nodes.map((n) => (n.kind === 'text' || n.kind === 'link' ? n.text : inlineWords(n.children))).join('');
}

/**
 * One line of a message for a list: the words without Markdown's markers (a link shows its text), lines and list
 * items joined, whitespace collapsed, cut at a word near `max` with an ellipsis. Reads the first PREVIEW_READ
 * characters only, so a long or crafted message costs the same as a short one.
 */
export function toPreview(markdown: string, max = PREVIEW_LENGTH): string {
  let head = markdown.length > PREVIEW_READ ? markdown.slice(0, PREVIEW_READ) : markdown;
  if (isHighSurrogate(head, head.length - 1)) head = head.slice(0, -1);
  const text = parse(head)
    .flatMap((b) => (b.kind === 'paragraph' ? b.lines : b.items))
    .map(inlineWords)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return head.length < markdown.length ? `${text}…` : text;
  let end = text.lastIndexOf(' ', max);
  // No space in the last third: cut inside the word rather than lose most of the line.
  if (end < (max * 2) / 3) end = isHighSurrogate(text, max - 1) ? max - 1 : max;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** How many positions toPreview looks at for `markdown`: what tests hold to PREVIEW_READ. */
export function previewSteps(markdown: string): number {
  steps = 0;
  toPreview(markdown);
  return steps;
}

function isHighSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff;
}
