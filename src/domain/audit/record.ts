import { eq } from 'drizzle-orm';
import { auditLog, type AuditScalar, type AuditValue } from '../../db/schema/audit.ts';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import type { AuditAction } from './actions.ts';

/** The values a change records, for showing them: above the domain nothing reads the schema. */
export type { AuditScalar, AuditValue };

/** Who did it: a signed-in person (from `actor.address`), the operator at the console, or the server on its own. */
export type AuditBy = Actor | 'console' | 'server';

export type AuditChanges = Record<string, AuditValue>;

export interface AuditEntry {
  action: AuditAction;
  /** What was acted on: its id where it has one, and how it was called at the time. */
  subject?: { id?: number; name: string };
  /** Only what changed (`changed()` builds it), or the values something was created or removed with; never a secret. */
  changes?: AuditChanges;
}

// Long texts (a canned reply's body) are cut: the log says what changed, it is not a second copy of the data.
const MAX_TEXT = 200;
const clip = <T>(value: T): T =>
  typeof value === 'string' && value.length > MAX_TEXT ? (`${value.slice(0, MAX_TEXT - 1)}…` as T) : value;

function clipped(changes: AuditChanges): AuditChanges {
  const out: AuditChanges = {};
  for (const [key, value] of Object.entries(changes)) {
    if (Array.isArray(value)) out[key] = value.map(clip);
    else if (value !== null && typeof value === 'object') out[key] = { from: clip(value.from), to: clip(value.to) };
    else out[key] = clip(value);
  }
  return out;
}

/** The fields of `after` whose value differs from `before`, each as `{ from, to }`; empty when nothing changed. */
export function changed<K extends string>(
  before: NoInfer<Record<K, AuditScalar>>,
  after: Partial<Record<K, AuditScalar>>,
): AuditChanges {
  const out: AuditChanges = {};
  for (const [key, to] of Object.entries(after) as [K, AuditScalar | undefined][]) {
    if (to !== undefined && before[key] !== to) out[key] = { from: before[key], to };
  }
  return out;
}

/**
 * Records one action in the audit log. Call it inside the transaction that makes the change, so the record and
 * the change are committed together or not at all; the acting person's name is read there, as it is now.
 */
export function recordAudit(ctx: DomainContext, tx: Tx, by: AuditBy, entry: AuditEntry): void {
  const person = typeof by === 'string' ? null : by;
  const actorName = person
    ? (tx.select({ name: users.name }).from(users).where(eq(users.id, person.id)).get()?.name ?? null)
    : null;
  tx.insert(auditLog)
    .values({
      at: ctx.now(),
      actorId: person?.id ?? null,
      actorName,
      origin: typeof by === 'string' ? by : (by.address ?? null),
      action: entry.action,
      subjectId: entry.subject?.id ?? null,
      subject: entry.subject ? clip(entry.subject.name) : null,
      changes: entry.changes && Object.keys(entry.changes).length ? clipped(entry.changes) : null,
    })
    .run();
}

/**
 * Records an action whose effect is outside the database (a backup on disk, a configuration reload) once it
 * succeeded: there is no change to share a transaction with, so the record is one of its own.
 */
export function recordAuditAlone(ctx: DomainContext, by: AuditBy, entry: AuditEntry): void {
  ctx.db.transaction((tx) => recordAudit(ctx, tx, by, entry));
}
