import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import { loginFailures } from '../../db/schema/auth.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';

export interface ThrottlePolicy {
  attempts: number;
  windowMs: number;
}

/**
 * Runs a password check under a failure budget per key (an email, an address, a user). The attempt is
 * counted before the slow check starts, so requests fired in parallel cannot all slip in under the limit.
 * A failed check keeps its mark; a successful one takes its own marks back and clears `clearOnSuccess`.
 */
export async function throttled(
  ctx: DomainContext,
  keys: string[],
  policy: ThrottlePolicy,
  check: () => Promise<boolean>,
  clearOnSuccess: string[] = [],
): Promise<boolean> {
  const now = ctx.now();
  const marks = ctx.db.transaction((tx) => {
    tx.delete(loginFailures).where(lt(loginFailures.at, now - policy.windowMs)).run();
    for (const key of keys) {
      const used = tx
        .select({ n: count() })
        .from(loginFailures)
        .where(and(eq(loginFailures.key, key), gte(loginFailures.at, now - policy.windowMs)))
        .get()?.n ?? 0;
      if (used >= policy.attempts) {
        throw new DomainError(429, 'login.throttled', { minutes: Math.round(policy.windowMs / 60_000) });
      }
    }
    return tx.insert(loginFailures).values(keys.map((key) => ({ key, at: now }))).returning({ id: loginFailures.id }).all();
  });
  const ok = await check();
  if (ok) {
    ctx.db.transaction((tx) => {
      tx.delete(loginFailures).where(inArray(loginFailures.id, marks.map((m) => m.id))).run();
      if (clearOnSuccess.length) tx.delete(loginFailures).where(inArray(loginFailures.key, clearOnSuccess)).run();
    });
  }
  return ok;
}
