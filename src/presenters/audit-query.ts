import { z } from 'zod';
import { isAuditAction } from '../domain/audit/actions.ts';
import type { AuditCursor, AuditFilter } from '../domain/audit/log.ts';
import { ID_PATTERN } from './ids.ts';
import { day, dayQuery } from './list-query.ts';

type Key = 'who' | 'action' | 'from' | 'to';

export interface AuditQuery {
  filter: AuditFilter;
  /** The filters as given, for the form and for links that keep them. */
  values: Partial<Record<Key, string>>;
  before?: AuditCursor;
}

/** A page's end as it appears in the "older" link: `<at>-<id>`. */
export const cursorParam = (cursor: AuditCursor): string => `${cursor.at}-${cursor.id}`;

/** A filter as typed, trimmed; empty means "any". */
const given = z
  .string()
  .optional()
  .transform((v) => v?.trim() || undefined);

/** The audit log's URL: each filter one of its values (or empty), `before` a page's end; a bad one is refused with its name (400). */
export const auditQuerySchema = z.object({
  who: given.pipe(z.union([z.enum(['console', 'server']), z.string().regex(ID_PATTERN)]).optional()),
  action: given.pipe(z.string().refine(isAuditAction).optional()),
  from: given.pipe(dayQuery),
  to: given.pipe(dayQuery),
  before: z
    .string()
    .regex(/^\d{1,15}-\d{1,15}$/)
    .transform((raw): AuditCursor => {
      const [at, id] = raw.split('-');
      return { at: Number(at), id: Number(id) };
    })
    .optional(),
});
export type AuditQueryInput = z.output<typeof auditQuerySchema>;

/** The filters a checked query asks for, days beginning in `zone` (the viewer's). */
export function auditQueryIn({ before, ...given }: AuditQueryInput, zone: string): AuditQuery {
  const values = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as AuditQuery['values'];
  const filter: AuditFilter = {};
  if (given.who === 'console' || given.who === 'server') filter.who = given.who;
  else if (given.who) filter.who = Number(given.who);
  if (given.action) filter.action = given.action;
  if (given.from) filter.from = day(given.from, 'from', zone);
  if (given.to) filter.to = day(given.to, 'to', zone, 1);
  return { filter, values, ...(before ? { before } : {}) };
}
