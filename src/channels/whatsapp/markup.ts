/**
 * The agent's Markdown (**bold**, *italic* or _italic_, ~~strike~~, `code`, ``` blocks, "- " and "1. " lists,
 * [links](url)) as WhatsApp's own markup: *bold*, _italic_, ~strike~, `code` and ```mono```, lists as "• " and
 * "1. " text, links as "text (url)". Anything else is sent as typed (WhatsApp has no escape for a stray marker).
 *
 * Linear: each line is scanned once from the right to know where every kind of closer comes next, so trying a
 * marker costs the same whatever the length; nesting deeper than MAX_DEPTH is text, and each level reads only its
 * own part, so the work is at most MAX_DEPTH times the length.
 */

const MAX_DEPTH = 8;
const LINK_SCHEMES = ['https://', 'http://', 'mailto:', 'tel:'];

const isSpace = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || c === '\u00a0';
const WORD = /[\p{L}\p{N}]/u;
const isWord = (c: string | undefined): boolean => c !== undefined && WORD.test(c);

function scan(t: string) {
  const n = t.length;
  const nextWhere = (isAt: (i: number) => boolean): Int32Array => {
    const next = new Int32Array(n + 2).fill(-1);
    for (let i = n - 1; i >= 0; i--) next[i] = isAt(i) ? i : next[i + 1]!;
    return next;
  };
  /** A closer follows a non-space; a single one is not followed by a letter (snake_case stays text). */
  const closes = (i: number) => i > 0 && !isSpace(t[i - 1]);
  return {
    t,
    strong: nextWhere((i) => t[i] === '*' && t[i + 1] === '*' && closes(i)),
    strike: nextWhere((i) => t[i] === '~' && t[i + 1] === '~' && closes(i)),
    star: nextWhere((i) => t[i] === '*' && t[i + 1] !== '*' && t[i - 1] !== '*' && closes(i) && !isWord(t[i + 1])),
    under: nextWhere((i) => t[i] === '_' && closes(i) && !isWord(t[i + 1])),
    tick: nextWhere((i) => t[i] === '`'),
    fence: nextWhere((i) => t[i] === '`' && t[i + 1] === '`' && t[i + 2] === '`'),
    bracket: nextWhere((i) => t[i] === ']'),
    paren: nextWhere((i) => t[i] === ')' || isSpace(t[i])),
  };
}
type Scan = ReturnType<typeof scan>;

/** A token at `i` inside [·, hi): its WhatsApp form (inner parts converted) and where reading resumes. */
function tokenAt(s: Scan, i: number, hi: number, depth: number): { out: string; end: number } | null {
  const t = s.t;
  const c = t[i];
  if (c === '`') {
    const fence = t[i + 1] === '`' && t[i + 2] === '`' ? s.fence[i + 3]! : -1;
    if (fence >= 0 && fence + 3 <= hi) return { out: t.slice(i, fence + 3), end: fence + 3 };
    const close = s.tick[i + 1]!;
    if (close > i + 1 && close < hi) return { out: t.slice(i, close + 1), end: close + 1 };
    return null;
  }
  if ((c === '*' || c === '~') && t[i + 1] === c && !isSpace(t[i + 2])) {
    const close = (c === '*' ? s.strong : s.strike)[i + 3]!;
    if (close >= 0 && close + 2 <= hi) {
      const mark = c === '*' ? '*' : '~';
      return { out: `${mark}${inline(s, i + 2, close, depth + 1)}${mark}`, end: close + 2 };
    }
  }
  if ((c === '*' || c === '_') && t[i + 1] !== c && !isSpace(t[i + 1]) && !isWord(t[i - 1])) {
    const close = (c === '*' ? s.star : s.under)[i + 2]!;
    if (close >= 0 && close < hi) return { out: `_${inline(s, i + 1, close, depth + 1)}_`, end: close + 1 };
  }
  if (c === '[') {
    const close = s.bracket[i + 1]!;
    if (close > i + 1 && close + 1 < hi && t[close + 1] === '(') {
      const start = close + 2;
      const end = s.paren[start]!;
      const url = end >= 0 && end < hi && t[end] === ')' ? t.slice(start, end) : '';
      if (LINK_SCHEMES.some((p) => url.startsWith(p) && url.length > p.length))
        return { out: `${inline(s, i + 1, close, depth + 1)} (${url.replace(/^(mailto|tel):/, '')})`, end: end + 1 };
    }
  }
  return null;
}

const STARTS = new Set(['`', '*', '~', '_', '[']);

function inline(s: Scan, lo: number, hi: number, depth: number): string {
  if (depth >= MAX_DEPTH) return s.t.slice(lo, hi);
  let out = '';
  let textStart = lo;
  for (let i = lo; i < hi; i++) {
    if (!STARTS.has(s.t[i]!)) continue;
    const found = tokenAt(s, i, hi, depth);
    if (!found) continue;
    out += s.t.slice(textStart, i) + found.out;
    i = found.end - 1;
    textStart = found.end;
  }
  return out + s.t.slice(textStart, hi);
}

const convertLine = (line: string): string => inline(scan(line), 0, line.length, 0);

const FENCE = /^\s*```/;
const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+(.*)$/;

export function toWhatsAppMarkup(markdown: string): string {
  const out: string[] = [];
  let block: string[] | null = null;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (block !== null) {
      if (FENCE.test(line) && line.trim() === '```') {
        out.push(`\`\`\`${block.join('\n')}\`\`\``);
        block = null;
      } else block.push(line);
      continue;
    }
    // A fence alone on its line (a language name after it is dropped) opens a block; ```x``` on one line is inline.
    if (FENCE.test(line) && !line.trim().slice(3).includes('```')) {
      block = [];
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet) out.push(`• ${convertLine(bullet[1]!)}`);
    else if (numbered) out.push(`${numbered[1]}. ${convertLine(numbered[2]!)}`);
    else out.push(convertLine(line));
  }
  // An unclosed block still goes out as one: its lines were meant as code.
  if (block !== null) out.push(`\`\`\`${block.join('\n')}\`\`\``);
  return out.join('\n');
}

/** Whether the text holds a link WhatsApp could preview (preview_url). */
export const hasLink = (text: string): boolean => /https?:\/\/\S/.test(text);
