import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { inList } from '../../db/in-list.ts';
import { sessions } from '../../db/schema/auth.ts';
import { inboxes, inboxMembers } from '../../db/schema/inboxes.ts';
import { users, type Role } from '../../db/schema/users.ts';
import { recordAudit, type AuditBy } from '../audit/record.ts';
import { requireAdmin, type Actor, type DomainContext, type Tx } from '../context.ts';
import { prepared } from '../prepared.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { cleanLine } from '../text.ts';
import { throttled, type ThrottlePolicy } from '../auth/throttle.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { checkLocale, checkPassword, checkRole, normalizeEmail } from './validate.ts';

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, 'passwordHash'>;

/** Every column but the password hash: what leaves the domain layer. */
export const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  locale: users.locale,
  timeZone: users.timeZone,
  active: users.active,
  hideTags: users.hideTags,
  enterSends: users.enterSends,
  statusMessage: users.statusMessage,
  availability: users.availability,
  extension: users.extension,
  notificationPrefs: users.notificationPrefs,
  gettingStartedDismissed: users.gettingStartedDismissed,
  createdAt: users.createdAt,
};

export function countUsers({ db }: DomainContext): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export function findUserById({ db }: DomainContext, id: number): PublicUser | undefined {
  return db.select(publicColumns).from(users).where(eq(users.id, id)).get();
}

/** Several users in one read (the people a push goes to), by id; the missing ones are absent. */
export function usersByIds(ctx: DomainContext, ids: readonly number[]): Map<number, PublicUser> {
  if (ids.length === 0) return new Map();
  const query = prepared(ctx, 'users by ids', () =>
    ctx.db
      .select(publicColumns)
      .from(users)
      .where(inList(users.id, sql.placeholder('ids')))
      .prepare(),
  );
  return new Map((query.all({ ids: JSON.stringify(ids) }) as PublicUser[]).map((u) => [u.id, u]));
}

export function listUsers(ctx: DomainContext, actor: Actor): PublicUser[] {
  requireAdmin(actor);
  return ctx.db.select(publicColumns).from(users).orderBy(asc(users.name), asc(users.id)).all();
}

export interface NewUser {
  email: unknown;
  name: unknown;
  role: unknown;
  password: unknown;
  locale?: unknown;
}

/** `actor` null means the operator at the console (CLI). */
export async function createUser(ctx: DomainContext, actor: Actor | null, input: NewUser): Promise<PublicUser> {
  if (actor) requireAdmin(actor);
  return insertUser(ctx, input, () => actor ?? 'console');
}

/**
 * First-run setup: creates an admin only while there is no user at all, checked in the same transaction as the
 * insert. The log names the new admin as who did it, from `address`.
 */
/**
 * The first admin, who joins every shared inbox there is by then (the sandbox's Support, the configured numbers'):
 * a fresh install can then assign, and be assigned, right away.
 */
export async function createFirstAdmin(
  ctx: DomainContext,
  input: Omit<NewUser, 'role'>,
  address?: string,
): Promise<PublicUser> {
  let joined: number[] = [];
  const admin = await insertUser(
    ctx,
    { ...input, role: 'admin' },
    (user) => ({ id: user.id, role: user.role, address }),
    (tx, user) => {
      joined = tx
        .select({ id: inboxes.id })
        .from(inboxes)
        .where(isNull(inboxes.ownerUserId))
        .all()
        .map((i) => i.id);
      if (joined.length)
        tx.insert(inboxMembers)
          .values(joined.map((inboxId) => ({ inboxId, userId: user.id })))
          .run();
    },
  );
  for (const inboxId of joined) ctx.events.emit('inbox.members.changed', { inboxId, added: [admin.id], removed: [] });
  return admin;
}

async function insertUser(
  ctx: DomainContext,
  input: NewUser,
  by: (created: PublicUser) => AuditBy,
  /** Only as the first user, and this done in the same transaction. */
  asFirst?: (tx: Tx, created: PublicUser) => void,
): Promise<PublicUser> {
  const email = normalizeEmail(input.email);
  const name = cleanLine(input.name, 100, 'user.name_invalid', 'name');
  const role = checkRole(input.role);
  const locale = checkLocale(input.locale);
  const passwordHash = await hashPassword(checkPassword(input.password));
  const user = ctx.db.transaction((tx) => {
    if (asFirst && (tx.select({ n: count() }).from(users).get()?.n ?? 0) > 0) throw notFound();
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
      throw conflict('user.email_taken', 'email');
    }
    const created = tx.insert(users).values({ email, name, role, locale, passwordHash }).returning(publicColumns).get();
    recordAudit(ctx, tx, by(created), {
      action: 'user.created',
      subject: { id: created.id, name },
      changes: { email, name, role },
    });
    asFirst?.(tx, created);
    return created;
  });
  ctx.events.emit('user.changed', { userId: user.id });
  return user;
}

function activeAdminsOtherThan(tx: Pick<DomainContext['db'], 'select'>, userId: number): number {
  return (
    tx
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true), ne(users.id, userId)))
      .get()?.n ?? 0
  );
}

export function changeRole(ctx: DomainContext, actor: Actor, userId: number, rawRole: unknown): PublicUser {
  requireAdmin(actor);
  const role: Role = checkRole(rawRole);
  const user = ctx.db.transaction((tx) => {
    const current = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!current) throw notFound();
    if (current.role === 'admin' && role !== 'admin' && activeAdminsOtherThan(tx, userId) === 0) {
      throw invalid('user.last_admin', 'role');
    }
    if (current.role !== role) {
      recordAudit(ctx, tx, actor, {
        action: 'user.role_changed',
        subject: { id: userId, name: current.name },
        changes: { role: { from: current.role, to: role } },
      });
    }
    return tx.update(users).set({ role }).where(eq(users.id, userId)).returning(publicColumns).get();
  });
  ctx.events.emit('user.changed', { userId });
  return user;
}

/** Deactivating ends the user's sessions in the same transaction: they are signed out at once. */
export function setActive(ctx: DomainContext, actor: Actor, userId: number, active: boolean): PublicUser {
  requireAdmin(actor);
  const user = ctx.db.transaction((tx) => {
    const current = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!current) throw notFound();
    if (!active && userId === actor.id) throw invalid('user.cannot_deactivate_self');
    if (!active && current.role === 'admin' && activeAdminsOtherThan(tx, userId) === 0)
      throw invalid('user.last_admin');
    if (!active) tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    if (current.active !== active) {
      recordAudit(ctx, tx, actor, {
        action: active ? 'user.activated' : 'user.deactivated',
        subject: { id: userId, name: current.name },
        changes: { active: { from: current.active, to: active } },
      });
    }
    return tx.update(users).set({ active }).where(eq(users.id, userId)).returning(publicColumns).get();
  });
  if (!active) ctx.events.emit('user.sessions.ended', { userId });
  ctx.events.emit('user.changed', { userId });
  return user;
}

export function updateOwnSettings(
  ctx: DomainContext,
  actor: Actor,
  input: { name: unknown; locale: unknown },
): PublicUser {
  const name = cleanLine(input.name, 100, 'user.name_invalid', 'name');
  const locale = checkLocale(input.locale);
  const user = ctx.db.update(users).set({ name, locale }).where(eq(users.id, actor.id)).returning(publicColumns).get();
  if (!user) throw notFound();
  ctx.events.emit('user.changed', { userId: actor.id });
  return user;
}

/** Ends every other session of the user: a changed password should lock out whoever knew the old one. */
export async function changeOwnPassword(
  ctx: DomainContext,
  actor: Actor,
  keepSessionId: string,
  input: { current: unknown; next: unknown },
  policy: ThrottlePolicy,
): Promise<void> {
  const row = ctx.db.select().from(users).where(eq(users.id, actor.id)).get();
  if (!row) throw notFound();
  const current = typeof input.current === 'string' ? input.current.slice(0, 256) : '';
  // Guessing the current password from a stolen session is throttled like guessing at the sign-in form.
  if (!(await throttled(ctx, [`user:${actor.id}`], policy, () => verifyPassword(current, row.passwordHash)))) {
    throw invalid('user.password_wrong', 'current');
  }
  const passwordHash = await hashPassword(checkPassword(input.next, 'next'));
  ctx.db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, actor.id)).run();
    tx.delete(sessions)
      .where(and(eq(sessions.userId, actor.id), ne(sessions.id, keepSessionId)))
      .run();
  });
  ctx.events.emit('user.sessions.ended', { userId: actor.id, except: keepSessionId });
}

/** The console's reset (`switchboard user reset-password`): no old password, every session ends. */
export async function resetPassword(ctx: DomainContext, rawEmail: unknown, password: unknown): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const passwordHash = await hashPassword(checkPassword(password));
  const userId = ctx.db.transaction((tx) => {
    const user = tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.email, email)).get();
    if (!user) throw notFound();
    tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
    tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
    recordAudit(ctx, tx, 'console', { action: 'user.password_reset', subject: { id: user.id, name: user.name } });
    return user.id;
  });
  // In the server this closes their tabs at once; run from the console, the server sees the write (plugins/session-sweep.ts).
  ctx.events.emit('user.sessions.ended', { userId });
}

/** Who gets pushes meant for admins (connection states and the like). */
export function activeAdminIds({ db }: DomainContext): number[] {
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .all()
    .map((r) => r.id);
}
