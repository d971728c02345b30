import { eq, lt, or, sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import { inList } from '../../db/in-list.ts';
import { sessions } from '../../db/schema/auth.ts';
import { users } from '../../db/schema/users.ts';
import type { DomainContext } from '../context.ts';
import { prepared } from '../prepared.ts';
import { publicColumns, type PublicUser } from '../users/service.ts';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export interface ActiveSession {
  id: string;
  csrfToken: string;
  user: PublicUser;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
const newToken = (): string => randomBytes(32).toString('base64url');

// Writing last_seen on every request would turn every page view into a write; a minute is precise enough for a 12 h timeout.
const TOUCH_EVERY_MS = 60_000;

/** Starts a session and returns the cookie's token; only its hash is stored. */
export function createSession(ctx: DomainContext, userId: number): { token: string; id: string } {
  const token = newToken();
  const id = hashToken(token);
  const now = ctx.now();
  ctx.db.insert(sessions).values({ id, userId, csrfToken: newToken(), createdAt: now, lastSeenAt: now }).run();
  return { token, id };
}

export function resolveSession(
  ctx: DomainContext,
  token: string | undefined,
  limits: SessionLimits,
): ActiveSession | null {
  if (!token || token.length > 100) return null;
  const id = hashToken(token);
  const row = ctx.db
    .select({
      session: sessions,
      user: publicColumns,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return null;
  const now = ctx.now();
  const expired = now - row.session.lastSeenAt > limits.idleMs || now - row.session.createdAt > limits.absoluteMs;
  if (expired || !row.user.active) {
    ctx.db.delete(sessions).where(eq(sessions.id, id)).run();
    return null;
  }
  if (now - row.session.lastSeenAt > TOUCH_EVERY_MS) {
    ctx.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)).run();
  }
  return { id, csrfToken: row.session.csrfToken, user: row.user };
}

export function deleteSession(ctx: DomainContext, id: string): void {
  ctx.db.delete(sessions).where(eq(sessions.id, id)).run();
}

export function sessionExists(ctx: DomainContext, id: string): boolean {
  return ctx.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, id)).get() !== undefined;
}

/** Which of these sessions still exist: one read for every open tab a push goes to. */
export function liveSessions(ctx: DomainContext, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const query = prepared(ctx, 'live sessions', () =>
    ctx.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(inList(sessions.id, sql.placeholder('ids')))
      .prepare(),
  );
  return new Set((query.values({ ids: JSON.stringify([...new Set(ids)]) }) as [string][]).map((r) => r[0]));
}

export function purgeExpiredSessions(ctx: DomainContext, limits: SessionLimits): number {
  const now = ctx.now();
  return ctx.db
    .delete(sessions)
    .where(or(lt(sessions.lastSeenAt, now - limits.idleMs), lt(sessions.createdAt, now - limits.absoluteMs)))
    .run().changes;
}
