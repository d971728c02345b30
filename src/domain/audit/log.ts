import { and, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../../db/schema/audit.ts';
import { requireAdmin, type Actor, type DomainContext } from '../context.ts';
import type { AuditAction } from './actions.ts';

export type AuditRecord = typeof auditLog.$inferSelect;

export interface AuditFilter {
  /** A person's id, or the console or the server. */
  who?: number | 'console' | 'server';
  action?: AuditAction;
  /** From this instant on (ms). */
  from?: number;
  /** Before this instant (ms). */
  to?: number;
}

/** Where a page ends: the next one starts with what is older than this record. */
export interface AuditCursor {
  at: number;
  id: number;
}

export const AUDIT_PAGE_SIZE = 50;
// The CSV reads this many at a time, so an export of years of records never sits in memory at once.
const EXPORT_BATCH = 500;

function matching(filter: AuditFilter, before?: AuditCursor): SQL | undefined {
  const { who } = filter;
  return and(
    who === undefined
      ? undefined
      : typeof who === 'number'
        ? eq(auditLog.actorId, who)
        : and(isNull(auditLog.actorId), eq(auditLog.origin, who)),
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.from === undefined ? undefined : gte(auditLog.at, filter.from),
    filter.to === undefined ? undefined : lt(auditLog.at, filter.to),
    before ? sql`(${auditLog.at}, ${auditLog.id}) < (${before.at}, ${before.id})` : undefined,
  );
}

function read(ctx: DomainContext, filter: AuditFilter, before: AuditCursor | undefined, limit: number): AuditRecord[] {
  return ctx.db
    .select()
    .from(auditLog)
    .where(matching(filter, before))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit)
    .all();
}

/** One page of the log, newest first, and where the next (older) page starts if there is one. */
export function auditPage(
  ctx: DomainContext,
  actor: Actor,
  filter: AuditFilter,
  before?: AuditCursor,
): { records: AuditRecord[]; next: AuditCursor | null } {
  requireAdmin(actor);
  const records = read(ctx, filter, before, AUDIT_PAGE_SIZE + 1);
  const more = records.length > AUDIT_PAGE_SIZE;
  if (more) records.pop();
  const last = records.at(-1);
  return { records, next: more && last ? { at: last.at, id: last.id } : null };
}

/** Every matching record, newest first, read in batches as the caller goes through them (the CSV export). */
export function auditRecords(ctx: DomainContext, actor: Actor, filter: AuditFilter): Iterable<AuditRecord[]> {
  requireAdmin(actor);
  return (function* () {
    let before: AuditCursor | undefined;
    for (;;) {
      const batch = read(ctx, filter, before, EXPORT_BATCH);
      if (batch.length) yield batch;
      if (batch.length < EXPORT_BATCH) return;
      const last = batch.at(-1)!;
      before = { at: last.at, id: last.id };
    }
  })();
}
