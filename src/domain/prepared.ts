import type { DomainContext } from './context.ts';

const preparedByDb = new WeakMap<object, Map<string, unknown>>();

/**
 * The query of this shape for this database, built and prepared on first use, then run with its placeholders'
 * values: drizzle builds a query's SQL anew on every call, which for a small query costs more than SQLite's run.
 * `shape` names the SQL: everything that changes it must be in it.
 */
export function prepared<T>(ctx: DomainContext, shape: string, build: () => T): T {
  let byShape = preparedByDb.get(ctx.db);
  if (!byShape) preparedByDb.set(ctx.db, (byShape = new Map<string, unknown>()));
  if (!byShape.has(shape)) byShape.set(shape, build());
  return byShape.get(shape) as T;
}
