import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { chatMembers, chatMessages, chats, type ChatKind } from '../../db/schema/chats.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { users, type Availability } from '../../db/schema/users.ts';
import { toPreview } from '../../formatting/markdown.ts';
import type { Actor, DomainContext } from '../context.ts';
import { chatAudience, chatFor, chatVisibleTo } from './access.ts';
import { unreadByChat } from './messages.ts';

export interface Teammate {
  id: number;
  name: string;
  availability: Availability;
  statusMessage: string;
}

export interface ChatSummary {
  id: number;
  kind: ChatKind;
  /** The chat's name, or for a direct chat the other person's. */
  title: string;
  /** For a direct chat: the other person, with how they are doing. */
  other: Teammate | null;
  inboxName: string | null;
  unread: number;
  lastMessageAt: number | null;
  preview: string;
}

const teammateColumns = {
  id: users.id,
  name: users.name,
  availability: users.availability,
  statusMessage: users.statusMessage,
};

/** Everyone the actor can write to: the active team, by name. */
export function teammates({ db }: DomainContext, actor: Actor): Teammate[] {
  return db
    .select(teammateColumns)
    .from(users)
    .where(and(eq(users.active, true), ne(users.id, actor.id)))
    .orderBy(asc(users.name))
    .all();
}

/** The chats the actor is in (or only `onlyId` of them), newest activity first, each with its unread count and last words. */
export function chatsOf(ctx: DomainContext, actor: Actor, onlyId?: number): ChatSummary[] {
  const rows = ctx.db
    .select({
      id: chats.id,
      kind: chats.kind,
      name: chats.name,
      inboxName: inboxes.name,
      lastMessageAt: chats.lastMessageAt,
      createdAt: chats.createdAt,
    })
    .from(chats)
    .leftJoin(inboxes, eq(inboxes.id, chats.inboxId))
    .where(and(chatVisibleTo(actor), onlyId === undefined ? undefined : eq(chats.id, onlyId)))
    .orderBy(desc(sql`coalesce(${chats.lastMessageAt}, ${chats.createdAt})`), desc(chats.id))
    .all();
  const ids = rows.map((r) => r.id);
  const unread = unreadByChat(ctx.db, actor, ids);
  const others = new Map(
    ids.length
      ? ctx.db
          .select({ chatId: chatMembers.chatId, ...teammateColumns })
          .from(chatMembers)
          .innerJoin(chats, eq(chats.id, chatMembers.chatId))
          .innerJoin(users, eq(users.id, chatMembers.userId))
          .where(and(inArray(chatMembers.chatId, ids), eq(chats.kind, 'direct'), ne(chatMembers.userId, actor.id)))
          .all()
          .map(({ chatId, ...person }) => [chatId, person])
      : [],
  );
  const lastBodies = new Map(
    ids.length
      ? ctx.db
          .select({ chatId: chatMessages.chatId, body: chatMessages.body })
          .from(chatMessages)
          .where(
            sql`${chatMessages.id} IN (SELECT max(id) FROM chat_messages WHERE chat_id IN ${ids} AND deleted_at IS NULL GROUP BY chat_id)`,
          )
          .all()
          .map((m) => [m.chatId, toPreview(m.body, 80)])
      : [],
  );
  return rows.map((r) => {
    const other = others.get(r.id) ?? null;
    return {
      id: r.id,
      kind: r.kind,
      title: r.kind === 'direct' ? (other?.name ?? '') : (r.name ?? ''),
      other,
      inboxName: r.inboxName,
      unread: unread.get(r.id) ?? 0,
      lastMessageAt: r.lastMessageAt,
      preview: lastBodies.get(r.id) ?? '',
    };
  });
}

/** The navigation's count: unread messages across all the actor's chats. */
export function chatUnreadTotal(ctx: DomainContext, actor: Actor): number {
  const ids = ctx.db
    .select({ id: chats.id })
    .from(chats)
    .where(chatVisibleTo(actor))
    .all()
    .map((c) => c.id);
  return [...unreadByChat(ctx.db, actor, ids).values()].reduce((a, b) => a + b, 0);
}

export interface ChatDetails extends ChatSummary {
  members: Teammate[];
  inboxId: number | null;
}

/** One chat's header: its title and members as the actor may see them. */
export function chatDetails(ctx: DomainContext, actor: Actor, chatId: number): ChatDetails {
  const chat = chatFor(ctx.db, actor, chatId);
  const summary = chatsOf(ctx, actor, chatId)[0]!;
  const ids = chatAudience(ctx.db, chat);
  const members = ids.length
    ? ctx.db.select(teammateColumns).from(users).where(inArray(users.id, ids)).orderBy(asc(users.name)).all()
    : [];
  return { ...summary, members, inboxId: chat.inboxId };
}
