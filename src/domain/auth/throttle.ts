import { and, count, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { loginFailures } from '../../db/schema/auth.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';

export interface ThrottlePolicy {
  attempts: number;
  windowMs: number;
}

/** The 429 of a spent budget, saying how long until it frees a try. */
export function tooManyFailures(waitMs: number): DomainError {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  return new DomainError(429, 'login.throttled', { n: minutes });
}

/**
 * Runs a password check under a failure budget per key (a user changing their password). The attempt is counted
 * before the slow check starts, so requests fired in parallel cannot all slip in under the limit. A failed check
 * keeps its mark; a successful one takes its own marks back.
 */
export async function throttled(
  ctx: DomainContext,
  keys: string[],
  policy: ThrottlePolicy,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const now = ctx.now();
  const since = now - policy.windowMs;
  const marks = ctx.db.transaction((tx) => {
    tx.delete(loginFailures).where(lt(loginFailures.at, since)).run();
    for (const key of keys) {
      const counted = and(eq(loginFailures.key, key), gte(loginFailures.at, since));
      const used = tx.select({ n: count() }).from(loginFailures).where(counted).get()?.n ?? 0;
      if (used >= policy.attempts) {
        // The budget frees a try when the attempts-th newest failure leaves the window.
        const freeing = tx
          .select({ at: loginFailures.at })
          .from(loginFailures)
          .where(counted)
          .orderBy(desc(loginFailures.at))
          .limit(1)
          .offset(policy.attempts - 1)
          .get();
        throw tooManyFailures((freeing?.at ?? now) + policy.windowMs - now);
      }
    }
    return tx
      .insert(loginFailures)
      .values(keys.map((key) => ({ key, at: now })))
      .returning({ id: loginFailures.id })
      .all();
  });
  const ok = await check();
  if (ok)
    ctx.db
      .delete(loginFailures)
      .where(
        inArray(
          loginFailures.id,
          marks.map((m) => m.id),
        ),
      )
      .run();
  return ok;
}
