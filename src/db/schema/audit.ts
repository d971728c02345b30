import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A change's before and after; a created or removed thing records only its value. */
export type AuditValue = string | number | boolean | null | string[] | { from: AuditScalar; to: AuditScalar };
export type AuditScalar = string | number | boolean | null;

/**
 * What admins and managers did, written in the same transaction as the change. Names are copied as they were
 * at the time (people and inboxes get renamed), and no foreign keys: the log outlives what it mentions.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** The acting person; null for the operator at the console and for the server itself. */
    actorId: integer('actor_id'),
    actorName: text('actor_name'),
    /** From where: the request's address, `console` or `server`; null when the caller did not say. */
    origin: text('origin'),
    action: text('action').notNull(),
    /** What was acted on: its id where it has one, and its name at the time. */
    subjectId: integer('subject_id'),
    subject: text('subject'),
    /** Field → value or `{ from, to }`: only what changed, never a secret. */
    changes: text('changes', { mode: 'json' }).$type<Record<string, AuditValue>>(),
  },
  // Newest first, per person or per action; each index ends in the rowid, so (at, id) pages without sorting.
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorId, t.at),
    index('audit_log_action_idx').on(t.action, t.at),
  ],
);
