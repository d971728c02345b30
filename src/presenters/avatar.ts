/** How many avatar colours the stylesheet has (static/css/lists.css: .avatar-0 … .avatar-7). */
export const AVATAR_COLOURS = 8;

export interface Avatar {
  /** The first letters of the first and last word: "Carla Customer" → "CC", "Ana" → "A". */
  initials: string;
  /** One of AVATAR_COLOURS, always the same for the same name. */
  colour: number;
}

const LETTER = /^[\p{L}\p{N}]/u;

/** A contact's initials and colour; null without a name (the row then shows a phone instead). */
export function avatar(name: string | null): Avatar | null {
  const words = (name ?? '').split(/\s+/).filter((w) => LETTER.test(w));
  if (words.length === 0) return null;
  const first = (w: string) => String.fromCodePoint(w.codePointAt(0)!).toLocaleUpperCase();
  const initials = words.length === 1 ? first(words[0]!) : first(words[0]!) + first(words[words.length - 1]!);
  // FNV-1a: a stable, evenly spread number from the name.
  let hash = 0x811c9dc5;
  for (let i = 0; i < name!.length; i++) hash = Math.imul(hash ^ name!.charCodeAt(i), 0x01000193);
  return { initials, colour: (hash >>> 0) % AVATAR_COLOURS };
}
