import { and, eq, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { chatMembers, chats, type ChatKind } from '../../db/schema/chats.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { notFound } from '../errors.ts';
import { inboxAudience, inboxVisibleTo } from '../inboxes/access.ts';

export interface ChatRow {
  id: number;
  kind: ChatKind;
  name: string | null;
  inboxId: number | null;
}

/**
 * Who is in a chat: its member rows, or for an inbox's chat everyone who sees that inbox now (the chat
 * follows the inbox's membership, so nobody has to keep two lists in step).
 */
export function chatAudience(db: Pick<Tx, 'select'>, chat: Pick<ChatRow, 'id' | 'inboxId'>): number[] {
  if (chat.inboxId !== null) return inboxAudience({ db } as DomainContext, chat.inboxId);
  return db
    .select({ userId: chatMembers.userId })
    .from(chatMembers)
    .where(eq(chatMembers.chatId, chat.id))
    .all()
    .map((m) => m.userId);
}

/** Everyone in the chat now, by its id (nobody for a chat that is gone). */
export function chatAudienceOf(ctx: DomainContext, chatId: number): number[] {
  const chat = ctx.db.select({ id: chats.id, inboxId: chats.inboxId }).from(chats).where(eq(chats.id, chatId)).get();
  return chat ? chatAudience(ctx.db, chat) : [];
}

/** Chats the actor is in, as a condition on `chats`: a member row, or the chat of a shared inbox they see. */
export function chatVisibleTo(actor: Actor) {
  return or(
    sql`${chats.id} IN (SELECT ${chatMembers.chatId} FROM ${chatMembers} WHERE ${chatMembers.userId} = ${actor.id} AND ${chats.inboxId} IS NULL)`,
    and(
      isNotNull(chats.inboxId),
      sql`${chats.inboxId} IN (SELECT ${inboxes.id} FROM ${inboxes} WHERE ${isNull(inboxes.ownerUserId)} AND ${inboxVisibleTo(actor)})`,
    ),
  )!;
}

/** A chat the actor is in; 404 for anyone else, as if it did not exist (direct chats are private, admins included). */
export function chatFor(db: Pick<Tx, 'select'>, actor: Actor, chatId: number): ChatRow {
  const chat = db
    .select({ id: chats.id, kind: chats.kind, name: chats.name, inboxId: chats.inboxId })
    .from(chats)
    .where(and(eq(chats.id, chatId), chatVisibleTo(actor)))
    .get();
  if (!chat) throw notFound();
  return chat;
}
