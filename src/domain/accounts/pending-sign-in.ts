import { eq, lte } from 'drizzle-orm';
import { pendingSignIns } from '../../db/schema/accounts.ts';
import { users } from '../../db/schema/users.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { signInAddress } from '../auth/sign-in-address.ts';
import { throttledSignIn, type SignInPolicy } from '../auth/sign-in-throttle.ts';
import { hashToken, newToken, tokenShaped } from './token.ts';
import { checkSecondFactor } from './two-factor.ts';

/** Long enough to open the app and type a code; a half-signed-in browser is worth little for longer. */
export const PENDING_MS = 5 * 60_000;

/** The password was right and a second factor is due: a token for the browser's cookie, no session yet. */
export function startPendingSignIn(ctx: DomainContext, userId: number, next: string): string {
  const token = newToken();
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    tx.delete(pendingSignIns).where(lte(pendingSignIns.expiresAt, now)).run();
    tx.insert(pendingSignIns)
      .values({ id: hashToken(token), userId, next, expiresAt: now + PENDING_MS })
      .run();
  });
  return token;
}

interface Pending {
  id: string;
  userId: number;
  email: string;
  next: string;
}

/** The half-finished sign-in behind the cookie, while it lasts and the account is active. */
export function pendingSignIn(ctx: DomainContext, token: unknown): Pending | null {
  if (!tokenShaped(token)) return null;
  const row = ctx.db
    .select({
      id: pendingSignIns.id,
      userId: pendingSignIns.userId,
      next: pendingSignIns.next,
      expiresAt: pendingSignIns.expiresAt,
      email: users.email,
      active: users.active,
    })
    .from(pendingSignIns)
    .innerJoin(users, eq(users.id, pendingSignIns.userId))
    .where(eq(pendingSignIns.id, hashToken(token)))
    .get();
  if (!row || row.expiresAt <= ctx.now() || !row.active) return null;
  return { id: row.id, userId: row.userId, email: row.email, next: row.next };
}

/**
 * The second step: the code (or a recovery code) under the same budgets as the password (a wrong code counts as a
 * failed sign-in of the email from this address). On success the pending sign-in is used up; the caller starts
 * the session.
 */
export async function finishPendingSignIn(
  ctx: DomainContext,
  pending: Pending,
  input: { code: string; recovery: string; ip: string },
  policy: SignInPolicy,
): Promise<void> {
  const ok = await throttledSignIn(ctx, { email: pending.email, address: signInAddress(input.ip) }, policy, async () =>
    checkSecondFactor(ctx, pending.userId, input),
  );
  if (!ok)
    throw new DomainError(
      422,
      input.recovery.trim() ? 'two_factor.recovery_wrong' : 'two_factor.code_wrong',
      {},
      input.recovery.trim() ? 'recovery' : 'code',
    );
  // Two right codes sent at once (a recovery code and an app code, say) must not make two sessions.
  if (ctx.db.delete(pendingSignIns).where(eq(pendingSignIns.id, pending.id)).run().changes === 0)
    throw new DomainError(410, 'two_factor.sign_in_expired');
}
