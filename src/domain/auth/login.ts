import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { burnPasswordCheck, verifyPassword } from '../users/password.ts';
import type { PublicUser } from '../users/service.ts';
import { signInAddress } from './sign-in-address.ts';
import { throttledSignIn, type SignInPolicy } from './sign-in-throttle.ts';

/**
 * Checks a sign-in under the sign-in budgets (`throttledSignIn`): a refused try gets 429 before any password is
 * looked at. Unknown email, wrong password and deactivated account get the same answer and count alike.
 */
export async function authenticate(
  ctx: DomainContext,
  input: { email: unknown; password: unknown; ip: string },
  policy: SignInPolicy,
): Promise<PublicUser> {
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase().slice(0, 254) : '';
  const password = typeof input.password === 'string' ? input.password.slice(0, 256) : '';
  const row = email ? ctx.db.select().from(users).where(eq(users.email, email)).get() : undefined;
  const ok = await throttledSignIn(ctx, { email, address: signInAddress(input.ip) }, policy, async () => {
    if (!row) return (await burnPasswordCheck(password), false);
    // A deactivated account is one more wrong password: the answer must not confirm that the password was right.
    return (await verifyPassword(password, row.passwordHash)) && row.active;
  });
  if (!ok) throw new DomainError(422, 'login.failed');
  const { passwordHash: _, ...user } = row!;
  return user;
}
