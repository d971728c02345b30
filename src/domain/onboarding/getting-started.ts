import { and, eq, isNull, ne, notInArray } from 'drizzle-orm';
import { SANDBOX, SANDBOX_WHATSAPP } from '../../config/sandbox.ts';
import { messages } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { users } from '../../db/schema/users.ts';
import { requireAdmin, type Actor, type DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';

/** The first steps of a new install, each ticked by what the data shows, never by a click. */
export interface GettingStarted {
  /** Someone else can sign in. */
  teammate: boolean;
  /** A number is carried by a real carrier's connection, not the sandbox's. */
  carrier: boolean;
  /** A text has gone out (the sandbox's phone counts: that is what it is for). */
  text: boolean;
  done: boolean;
}

const exists = (row: unknown): boolean => row !== undefined;

/** An admin's checklist, or null: not an admin's to see, or put away. */
export function gettingStarted(ctx: DomainContext, actor: Actor, dismissed: boolean): GettingStarted | null {
  if (actor.role !== 'admin' || dismissed) return null;
  const { db } = ctx;
  const teammate = exists(
    db
      .select({ id: users.id })
      .from(users)
      .where(and(ne(users.id, actor.id), eq(users.active, true)))
      .limit(1)
      .get(),
  );
  const carrier = exists(
    db
      .select({ id: numbers.id })
      .from(numbers)
      .where(and(notInArray(numbers.channel, [SANDBOX.name, SANDBOX_WHATSAPP.name]), isNull(numbers.retiredAt)))
      .limit(1)
      .get(),
  );
  const text = exists(
    db.select({ id: messages.id }).from(messages).where(eq(messages.direction, 'out')).limit(1).get(),
  );
  return { teammate, carrier, text, done: teammate && carrier && text };
}

/** Puts the checklist away for this admin, once everything on it is done. */
export function dismissGettingStarted(ctx: DomainContext, actor: Actor): void {
  requireAdmin(actor);
  if (!gettingStarted(ctx, actor, false)?.done) throw new DomainError(422, 'onboarding.not_done');
  ctx.db.update(users).set({ gettingStartedDismissed: true }).where(eq(users.id, actor.id)).run();
  ctx.events.emit('user.changed', { userId: actor.id });
}
