export interface Mentionable {
  id: number;
  name: string;
}

const NAME_END = /[\p{L}\p{N}_]/u;

/**
 * Who `@Name` in a text means, among the people who could read it: a full name, or a first name that
 * only one of them has. Case does not matter; a longer name wins over a shorter one it starts with.
 */
export function mentionedIn(text: string, people: Mentionable[]): number[] {
  const lower = text.toLowerCase();
  const firstNames = new Map<string, number[]>();
  for (const p of people) {
    const first = p.name.trim().split(/\s+/)[0]!.toLowerCase();
    firstNames.set(first, [...(firstNames.get(first) ?? []), p.id]);
  }
  const candidates = [
    ...people.map((p) => ({ id: p.id, handle: p.name.trim().toLowerCase() })),
    ...[...firstNames].filter(([, ids]) => ids.length === 1).map(([first, ids]) => ({ id: ids[0]!, handle: first })),
  ].sort((a, b) => b.handle.length - a.handle.length);
  const found = new Set<number>();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    if (at > 0 && NAME_END.test(lower[at - 1]!)) continue;
    const rest = lower.slice(at + 1);
    const hit = candidates.find((c) => rest.startsWith(c.handle) && !NAME_END.test(rest[c.handle.length] ?? ''));
    if (hit) found.add(hit.id);
  }
  return [...found];
}
