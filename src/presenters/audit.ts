import { auditActions } from '../domain/audit/actions.ts';
import { auditPage, type AuditRecord } from '../domain/audit/log.ts';
import type { AuditScalar, AuditValue } from '../domain/audit/record.ts';
import type { Actor, DomainContext } from '../domain/context.ts';
import { listUsers } from '../domain/users/service.ts';
import { isMessageKey, type Translate } from '../i18n/index.ts';
import { cursorParam, type AuditQuery } from './audit-query.ts';

// Labels of actions and fields come from the catalog; a name it does not know yet is shown as stored.
const label = (t: Translate, key: string, fallback: string): string => (isMessageKey(key) ? t(key) : fallback);

function scalar(t: Translate, value: AuditScalar): string {
  if (value === null || value === '') return t('audit.nothing');
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
  return String(value);
}

/** "role: agent → manager", "added: Ana, Bo", "failed sign-ins: 5". */
function changeLine(t: Translate, key: string, value: AuditValue): string {
  const field = label(t, `audit.field.${key}`, key);
  if (Array.isArray(value)) return t('audit.value', { field, value: value.join(', ') });
  if (value !== null && typeof value === 'object')
    return t('audit.change', { field, from: scalar(t, value.from), to: scalar(t, value.to) });
  return t('audit.value', { field, value: scalar(t, value) });
}

function row(t: Translate, r: AuditRecord) {
  return {
    id: r.id,
    at: r.at,
    who:
      r.actorId === null
        ? t(r.origin === 'server' ? 'audit.server' : 'audit.console')
        : (r.actorName ?? `#${r.actorId}`),
    origin: r.origin ?? t('audit.nothing'),
    action: label(t, `audit.action.${r.action}`, r.action),
    subject: r.subject ?? '',
    changes: Object.entries(r.changes ?? {}).map(([key, value]) => changeLine(t, key, value)),
  };
}

const withQuery = (path: string, params: Record<string, string>): string => {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
};

/** The Audit log page: the filter form's choices and values, one page of records, and the links onward. */
export function auditPageData(domain: DomainContext, actor: Actor, t: Translate, query: AuditQuery) {
  const { records, next } = auditPage(domain, actor, query.filter, query.before);
  const values = query.values;
  return {
    values,
    filtered: Object.keys(values).length > 0,
    people: listUsers(domain, actor).map((u) => ({ id: u.id, name: u.name })),
    actions: auditActions.map((a) => ({ value: a, label: label(t, `audit.action.${a}`, a) })),
    rows: records.map((r) => row(t, r)),
    olderUrl: next ? withQuery('/admin/audit', { ...values, before: cursorParam(next) }) : null,
    newestUrl: query.before ? withQuery('/admin/audit', values) : null,
    csvUrl: withQuery('/admin/audit.csv', values),
  };
}
