import { eq } from 'drizzle-orm';
import { passwordResets, pendingSignIns } from '../../db/schema/accounts.ts';
import { sessions } from '../../db/schema/auth.ts';
import { users } from '../../db/schema/users.ts';
import { requireAdmin, type Actor, type DomainContext } from '../context.ts';
import { recordAudit } from '../audit/record.ts';
import { DomainError, notFound } from '../errors.ts';
import { hashPassword } from '../users/password.ts';
import { checkPassword } from '../users/validate.ts';
import { hashToken, newToken, tokenShaped } from './token.ts';

export const RESET_LINK_MS = 3_600_000;

const gone = (): DomainError => new DomainError(410, 'reset.gone');

/** A new one-time link for the user, valid an hour; it voids the one before. Returns the token, which is not kept. */
export function createResetLink(ctx: DomainContext, actor: Actor, userId: number): { token: string; name: string } {
  requireAdmin(actor);
  const token = newToken();
  const name = ctx.db.transaction((tx) => {
    const user = tx.select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
    if (!user) throw notFound();
    tx.delete(passwordResets).where(eq(passwordResets.userId, userId)).run();
    tx.insert(passwordResets)
      .values({ id: hashToken(token), userId, expiresAt: ctx.now() + RESET_LINK_MS })
      .run();
    recordAudit(ctx, tx, actor, { action: 'user.reset_link_created', subject: { id: userId, name: user.name } });
    return user.name;
  });
  return { token, name };
}

type Reader = Pick<DomainContext['db'], 'select'>;

/** The link's user, if it is open: unknown is 404, used or expired 410. */
function openReset(db: Reader, token: unknown, now: number): { userId: number; email: string } {
  if (!tokenShaped(token)) throw notFound();
  const row = db
    .select({
      userId: passwordResets.userId,
      expiresAt: passwordResets.expiresAt,
      usedAt: passwordResets.usedAt,
      email: users.email,
      active: users.active,
    })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.id, hashToken(token)))
    .get();
  if (!row) throw notFound();
  if (row.usedAt !== null || row.expiresAt <= now || !row.active) throw gone();
  return { userId: row.userId, email: row.email };
}

/** For the link's page: whose it is (the email, for the password manager), or the 404/410 it answers. */
export function resetFor(ctx: DomainContext, token: unknown): { email: string } {
  return { email: openReset(ctx.db, token, ctx.now()).email };
}

/**
 * Sets the new password, uses up the link and ends every session of the user, in one transaction; the audit log
 * records it as the user's own act, from `address`.
 */
export async function useResetLink(
  ctx: DomainContext,
  token: unknown,
  password: unknown,
  address?: string,
): Promise<void> {
  openReset(ctx.db, token, ctx.now());
  const passwordHash = await hashPassword(checkPassword(password));
  const userId = ctx.db.transaction((tx) => {
    // Checked again: another tab may have used the link while the password was hashed.
    const { userId } = openReset(tx, token, ctx.now());
    tx.update(passwordResets).set({ usedAt: ctx.now() }).where(eq(passwordResets.userId, userId)).run();
    tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    tx.delete(pendingSignIns).where(eq(pendingSignIns.userId, userId)).run();
    const user = tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, userId)).get()!;
    recordAudit(
      ctx,
      tx,
      { id: userId, role: user.role, ...(address ? { address } : {}) },
      { action: 'user.reset_link_used', subject: { id: userId, name: user.name } },
    );
    return userId;
  });
  ctx.events.emit('user.sessions.ended', { userId });
}
