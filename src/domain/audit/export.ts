import type { Actor, DomainContext } from '../context.ts';
import { csvLine } from '../csv.ts';
import { auditRecords, type AuditFilter } from './log.ts';

const HEADER = ['at', 'actor_id', 'actor', 'from', 'action', 'subject_id', 'subject', 'changes'];

/** The matching records as CSV, newest first: the header, then one chunk of lines per batch read. */
export function auditCsv(ctx: DomainContext, actor: Actor, filter: AuditFilter): Iterable<string> {
  const batches = auditRecords(ctx, actor, filter);
  return (function* () {
    yield csvLine(HEADER);
    for (const batch of batches) {
      yield batch
        .map((r) =>
          csvLine([
            new Date(r.at).toISOString(),
            r.actorId,
            r.actorName,
            r.origin,
            r.action,
            r.subjectId,
            r.subject,
            r.changes ? JSON.stringify(r.changes) : null,
          ]),
        )
        .join('');
    }
  })();
}
