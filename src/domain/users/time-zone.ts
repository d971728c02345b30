import { and, eq, isNull } from 'drizzle-orm';
import { users } from '../../db/schema/users.ts';
import type { Actor, DomainContext } from '../context.ts';
import { canonicalTimeZone } from '../../lib/time-zones.ts';
import { notFound } from '../errors.ts';
import { publicColumns, type PublicUser } from './service.ts';
import { checkTimeZone } from './validate.ts';

/** Settings: the zone the person's times and days are shown in; empty goes back to the server's. */
export function setTimeZone(ctx: DomainContext, actor: Actor, raw: unknown): PublicUser {
  const timeZone = checkTimeZone(raw);
  const user = ctx.db.update(users).set({ timeZone }).where(eq(users.id, actor.id)).returning(publicColumns).get();
  if (!user) throw notFound();
  ctx.events.emit('user.changed', { userId: actor.id });
  return user;
}

/**
 * At sign-in: the zone the browser reported becomes the person's, if they have none yet. A zone that is not one
 * of ours (or none: no JavaScript) changes nothing, and never stops a sign-in.
 */
export function adoptBrowserTimeZone(ctx: DomainContext, userId: number, raw: unknown): PublicUser | null {
  const timeZone = canonicalTimeZone(raw);
  if (timeZone === null) return null;
  const user = ctx.db
    .update(users)
    .set({ timeZone })
    .where(and(eq(users.id, userId), isNull(users.timeZone)))
    .returning(publicColumns)
    .get();
  if (user) ctx.events.emit('user.changed', { userId });
  return user ?? null;
}
