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
