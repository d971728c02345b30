import { and, eq, inArray } from 'drizzle-orm';
import { conversations } from '../db/schema/conversations.ts';
import { users } from '../db/schema/users.ts';
import { chatAudience, chatFor } from './chats/access.ts';
import type { Actor, DomainContext } from './context.ts';
import { notFound } from './errors.ts';
import { assertCanSeeInbox, inboxAudience } from './inboxes/access.ts';
import type { Mentionable } from './mentions.ts';

/**
 * Who can be @mentioned where the actor is writing: the other members of a chat, or the people who see a
 * conversation's inbox (a note). Matched by any word of the name starting with what was typed.
 */
export function mentionable(
  ctx: DomainContext,
  actor: Actor,
  where: { chatId: number } | { conversationId: number },
  typed: string,
): Mentionable[] {
  let ids: number[];
  if ('chatId' in where) {
    ids = chatAudience(ctx.db, chatFor(ctx.db, actor, where.chatId));
  } else {
    const row = ctx.db
      .select({ inboxId: conversations.inboxId })
      .from(conversations)
      .where(eq(conversations.id, where.conversationId))
      .get();
    if (!row) throw notFound();
    assertCanSeeInbox(ctx, actor, row.inboxId);
    ids = inboxAudience(ctx, row.inboxId);
  }
  const others = ids.filter((id) => id !== actor.id);
  if (others.length === 0) return [];
  const prefix = typed.toLowerCase();
  return ctx.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(inArray(users.id, others), eq(users.active, true)))
    .all()
    .filter((p) =>
      p.name
        .toLowerCase()
        .split(/\s+/)
        .some((word) => word.startsWith(prefix)),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 6);
}
