import type { DomainContext } from './context.ts';

type Prepared = { all(values?: Record<string, unknown>): unknown[]; get(values?: Record<string, unknown>): unknown };
const preparedByDb = new WeakMap<object, Map<string, Prepared>>();

/**
 * The query of this shape for this database, built and prepared on first use, then run with its placeholders'
 * values: drizzle builds a query's SQL anew on every call, which for a small query costs more than SQLite's run.
 * `shape` names the SQL: everything that changes it must be in it.
 */
export function prepared(ctx: DomainContext, shape: string, build: () => Prepared): Prepared {
  let byShape = preparedByDb.get(ctx.db);
  if (!byShape) preparedByDb.set(ctx.db, (byShape = new Map()));
  let query = byShape.get(shape);
  if (!query) byShape.set(shape, (query = build()));
  return query;
}
