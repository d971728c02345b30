import { isAuditAction } from '../domain/audit/actions.ts';
import type { AuditCursor, AuditFilter } from '../domain/audit/log.ts';
import { DomainError } from '../domain/errors.ts';
import { ID_PATTERN } from './ids.ts';
import { day } from './list-query.ts';

const keys = ['who', 'action', 'from', 'to'] as const;
type Key = (typeof keys)[number];

export interface AuditQuery {
  filter: AuditFilter;
  /** The filters as given, for the form and for links that keep them. */
  values: Partial<Record<Key, string>>;
  before?: AuditCursor;
}

const badFilter = (name: string): DomainError => new DomainError(400, 'list.bad_filter', { name });

/** A page's end as it appears in the "older" link: `<at>-<id>`. */
export const cursorParam = (cursor: AuditCursor): string => `${cursor.at}-${cursor.id}`;

/** Reads the audit log's URL (days begin in `zone`, the viewer's); a malformed value is refused with its name (400), an empty one means "any". */
export function parseAuditQuery(query: unknown, zone: string): AuditQuery {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values: AuditQuery['values'] = {};
  for (const key of keys) {
    const v = q[key];
    if (v !== undefined && typeof v !== 'string') throw badFilter(key);
    if (v?.trim()) values[key] = v.trim();
  }
  const filter: AuditFilter = {};
  if (values.who) {
    if (values.who === 'console' || values.who === 'server') filter.who = values.who;
    else if (ID_PATTERN.test(values.who)) filter.who = Number(values.who);
    else throw badFilter('who');
  }
  if (values.action) {
    if (!isAuditAction(values.action)) throw badFilter('action');
    filter.action = values.action;
  }
  if (values.from) filter.from = day(values.from, 'from', zone);
  if (values.to) filter.to = day(values.to, 'to', zone, 1);
  let before: AuditCursor | undefined;
  if (q.before !== undefined) {
    const m = typeof q.before === 'string' ? /^(\d{1,15})-(\d{1,15})$/.exec(q.before) : null;
    if (!m) throw badFilter('before');
    before = { at: Number(m[1]), id: Number(m[2]) };
  }
  return { filter, values, ...(before ? { before } : {}) };
}
