/** The placeholders a canned reply may use, and where their values come from. */
export const PLACEHOLDERS = [
  'contact.name',
  'contact.first_name',
  'contact.last_name',
  'contact.company',
  'contact.phone',
  'agent.name',
  'agent.first_name',
  'inbox.name',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string | null>>;

const PATTERN = /\{\{\s*([\w.]+)\s*\}\}/g;

/** Placeholders in a text that are not ones we can fill (a typo would otherwise reach the customer). */
export function unknownPlaceholders(body: string): string[] {
  return [...body.matchAll(PATTERN)]
    .map((m) => m[1]!)
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

export function valuesFor(person: {
  contactName: string | null;
  company: string | null;
  phone: string;
  agentName: string;
  inboxName: string | null;
}): PlaceholderValues {
  const [first, ...rest] = (person.contactName ?? '').trim().split(/\s+/).filter(Boolean);
  const [agentFirst] = person.agentName.trim().split(/\s+/);
  return {
    'contact.name': person.contactName,
    'contact.first_name': first ?? null,
    'contact.last_name': rest.length ? rest.join(' ') : null,
    'contact.company': person.company,
    'contact.phone': person.phone,
    'agent.name': person.agentName,
    'agent.first_name': agentFirst ?? null,
    'inbox.name': person.inboxName,
  };
}

/**
 * Fills the placeholders. A value we do not have leaves nothing behind — no braces, no doubled space, no
 * space before the punctuation that followed it ("Hi {{contact.first_name}}," → "Hi,").
 */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body
    .replace(PATTERN, (_m, name: string) => values[name as Placeholder] ?? '\u0000')
    .replace(/[ \t]*\u0000[ \t]*(?=[,.!?;:])/g, '')
    .replace(/[ \t]*\u0000[ \t]*/g, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(/^ +| +$/gm, '');
}
