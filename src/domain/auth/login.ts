import { and, count, eq, gte, lt } from 'drizzle-orm';
import { loginFailures } from '../../db/schema/auth.ts';
import { users } from '../../db/schema/users.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { burnPasswordCheck, verifyPassword } from '../users/password.ts';
import type { PublicUser } from '../users/service.ts';

export interface ThrottlePolicy {
  attempts: number;
  windowMs: number;
}

const keysFor = (email: string, ip: string): string[] => [`email:${email}`, `ip:${ip}`];

function isThrottled(ctx: DomainContext, keys: string[], policy: ThrottlePolicy): boolean {
  const since = ctx.now() - policy.windowMs;
  return keys.some(
    (key) =>
      (ctx.db
        .select({ n: count() })
        .from(loginFailures)
        .where(and(eq(loginFailures.key, key), gte(loginFailures.at, since)))
        .get()?.n ?? 0) >= policy.attempts,
  );
}

/**
 * Checks a sign-in. After `attempts` failures for one email or one address inside the window,
 * further tries for that email/address are refused with 429 before any password is looked at.
 */
export async function authenticate(
  ctx: DomainContext,
  input: { email: unknown; password: unknown; ip: string },
  policy: ThrottlePolicy,
): Promise<PublicUser> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, 254) : '';
  const password = typeof input.password === 'string' ? input.password.slice(0, 256) : '';
  const keys = keysFor(email, input.ip);
  if (isThrottled(ctx, keys, policy)) {
    throw new DomainError(429, 'login.throttled', { minutes: Math.round(policy.windowMs / 60_000) });
  }
  const row = email ? ctx.db.select().from(users).where(eq(users.email, email)).get() : undefined;
  const ok = row ? await verifyPassword(password, row.passwordHash) : (await burnPasswordCheck(password), false);
  if (!row || !ok || !row.active) {
    const now = ctx.now();
    ctx.db.transaction((tx) => {
      tx.insert(loginFailures).values(keys.map((key) => ({ key, at: now }))).run();
      tx.delete(loginFailures).where(lt(loginFailures.at, now - policy.windowMs)).run();
    });
    throw new DomainError(422, row && ok && !row.active ? 'login.deactivated' : 'login.failed');
  }
  ctx.db.delete(loginFailures).where(eq(loginFailures.key, `email:${email}`)).run();
  const { passwordHash: _, ...user } = row;
  return user;
}
