/**
 * The small Markdown agents write in: **bold**, _italic_ (or *italic*), ~~strikethrough~~, [links](https://…),
 * bare https:// links, "- " bulleted and "1. " numbered lists. One parser feeds two outputs: safe HTML for
 * the app (everything escaped; links only to http(s), mailto and tel) and plain text for SMS (markers
 * dropped, links kept as URLs). Anything else is text.
 */

type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'strong' | 'em' | 'del'; children: Inline[] }
  | { kind: 'link'; text: string; url: string };

/** `gap`: a blank line came before it (kept in plain text, where a list right under a line stays right under it). */
type Block = ({ kind: 'paragraph'; lines: Inline[][] } | { kind: 'ul' | 'ol'; items: Inline[][] }) & { gap: boolean };

const patterns: { kind: 'link' | 'url' | 'strong' | 'del' | 'em'; re: RegExp }[] = [
  { kind: 'link', re: /\[([^\]\n]{1,300})\]\(((?:https?:\/\/|mailto:|tel:)[^\s()<>"]{1,2000})\)/ },
  { kind: 'url', re: /\bhttps?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'"]/ },
  { kind: 'strong', re: /\*\*(?=\S)([^\n]*?\S)\*\*/ },
  { kind: 'del', re: /~~(?=\S)([^\n]*?\S)~~/ },
  { kind: 'em', re: /(?<![\p{L}\p{N}*_])([*_])(?=\S)([^\n]*?\S)\1(?![\p{L}\p{N}*_])/u },
];

function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest.length > 0) {
    let best: { kind: (typeof patterns)[number]['kind']; match: RegExpExecArray } | null = null;
    for (const { kind, re } of patterns) {
      const match = re.exec(rest);
      if (match && (!best || match.index < best.match.index)) best = { kind, match };
    }
    if (!best) {
      out.push({ kind: 'text', text: rest });
      break;
    }
    const { kind, match } = best;
    if (match.index > 0) out.push({ kind: 'text', text: rest.slice(0, match.index) });
    if (kind === 'link') out.push({ kind: 'link', text: match[1]!, url: match[2]! });
    else if (kind === 'url') out.push({ kind: 'link', text: match[0], url: match[0] });
    else if (kind === 'em') out.push({ kind, children: parseInline(match[2]!) });
    else out.push({ kind, children: parseInline(match[1]!) });
    rest = rest.slice(match.index + match[0].length);
  }
  return out;
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      if (n.kind === 'text') return escapeHtml(n.text);
      if (n.kind === 'link') return `<a href="${escapeHtml(n.url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(n.text)}</a>`;
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
