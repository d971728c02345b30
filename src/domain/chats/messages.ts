import { and, asc, desc, eq, gt, inArray, isNull, lt, max, ne, sql } from 'drizzle-orm';
import { chatAttachments, chatMembers, chatMessages, chatReactions, chats } from '../../db/schema/chats.ts';
import { users } from '../../db/schema/users.ts';
import { toPlainText } from '../../formatting/markdown.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { groupReactions, rememberEmoji, type Reaction } from '../emoji/reactions.ts';
import { knownEmoji } from '../emoji/catalog.ts';
import { attachFiles, attachmentsOf, checkUploads, type AttachmentView, type Upload } from '../media/attachments.ts';
import { dropUnreferenced, type MediaStore } from '../media/store.ts';
import { mentionedIn } from '../mentions.ts';
import { addNotifications, announce, type NewNotification } from '../notifications/notify.ts';
import { chatAudience, chatFor, type ChatRow } from './access.ts';

export const CHAT_PAGE = 40;

export interface ChatMessageView {
  id: number;
  chatId: number;
  authorId: number | null;
  author: string | null;
  body: string;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  reactions: Reaction[];
  files: AttachmentView[];
}

function cleanChatBody(raw: unknown, mayBeEmpty: boolean): string {
  const body = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : '';
  if (body.length === 0 && !mayBeEmpty) throw invalid('sms.body_empty', 'body');
  if (body.length > LIMITS.chatText) throw invalid('chat.body_long', 'body', { max: LIMITS.chatText });
  return body;
}

function nameOf(tx: Pick<Tx, 'select'>, ids: number[]): { id: number; name: string }[] {
  return ids.length
    ? tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)).all()
    : [];
}

/** Who hears of a new message: the people it mentions, and in a direct chat the other person. */
function notificationsFor(
  tx: Pick<Tx, 'select'>,
  actor: Actor,
  chat: ChatRow,
  body: string,
  chatId: number,
): NewNotification[] {
  const audience = chatAudience(tx, chat).filter((id) => id !== actor.id);
  const excerpt = toPlainText(body) || '📎';
  if (chat.kind === 'direct')
    return audience.map((userId) => ({ userId, kind: 'direct' as const, actorId: actor.id, chatId, excerpt }));
  return mentionedIn(body, nameOf(tx, audience)).map((userId) => ({
    userId,
    kind: 'mention' as const,
    actorId: actor.id,
    chatId,
    excerpt,
  }));
}

export interface ChatMedia {
  store: MediaStore;
  uploads: Upload[];
  /** Chats go to no carrier: the limits are the largest any number allows. */
  maxAttachmentBytes: number;
}

/** A member writes to a chat: text (Markdown) and files, in one transaction; mentions and direct messages notify. */
export function postChatMessage(
  ctx: DomainContext,
  actor: Actor,
  chatId: number,
  rawBody: unknown,
  media?: ChatMedia,
): number {
  const uploads = media?.uploads ?? [];
  const body = cleanChatBody(rawBody, uploads.length > 0);
  const now = ctx.now();
  const adopted: string[] = [];
  let done;
  try {
    done = ctx.db.transaction((tx) => {
      const chat = chatFor(tx, actor, chatId);
      const files = checkUploads(
        { maxAttachments: LIMITS.chatFiles, maxAttachmentBytes: media?.maxAttachmentBytes ?? 0 },
        uploads,
      );
      const id = tx
        .insert(chatMessages)
        .values({ chatId, authorId: actor.id, body, createdAt: now })
        .returning({ id: chatMessages.id })
        .get().id;
      if (files.length && media) attachFiles(tx, media.store, id, files, adopted, chatAttachments);
      tx.update(chats).set({ lastMessageAt: now }).where(eq(chats.id, chatId)).run();
      // What I write, I have read.
      tx.insert(chatMembers)
        .values({ chatId, userId: actor.id, lastReadId: id, joinedAt: now })
        .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { lastReadId: id } })
        .run();
      return { id, notified: addNotifications(ctx, now, notificationsFor(tx, actor, chat, body, chatId)) };
    });
  } catch (err) {
    if (media) dropUnreferenced(ctx, media.store, adopted);
    throw err;
  }
  ctx.events.emit('chat.message', { chatId, messageId: done.id, created: true });
  announce(ctx, done.notified);
  return done.id;
}

/** One's own message, not deleted, of a chat one is still in. */
function ownMessage(tx: Pick<Tx, 'select'>, actor: Actor, messageId: number) {
  const message = tx
    .select({ chatId: chatMessages.chatId, authorId: chatMessages.authorId, deletedAt: chatMessages.deletedAt })
    .from(chatMessages)
    .where(eq(chatMessages.id, messageId))
    .get();
  if (!message) throw notFound();
  chatFor(tx, actor, message.chatId);
  if (message.authorId !== actor.id || message.deletedAt !== null) throw notFound();
  return message;
}

export function editChatMessage(ctx: DomainContext, actor: Actor, messageId: number, rawBody: unknown): void {
  const chatId = ctx.db.transaction((tx) => {
    const message = ownMessage(tx, actor, messageId);
    const hasFiles =
      tx
        .select({ seq: chatAttachments.seq })
        .from(chatAttachments)
        .where(eq(chatAttachments.messageId, messageId))
        .limit(1)
        .get() !== undefined;
    tx.update(chatMessages)
      .set({ body: cleanChatBody(rawBody, hasFiles), editedAt: ctx.now() })
      .where(eq(chatMessages.id, messageId))
      .run();
    return message.chatId;
  });
  ctx.events.emit('chat.message', { chatId, messageId, created: false });
}

/** The message stays in its place as "deleted": its text, files and reactions go. */
export function deleteChatMessage(ctx: DomainContext, actor: Actor, messageId: number, store: MediaStore): void {
  const { chatId, shas } = ctx.db.transaction((tx) => {
    const message = ownMessage(tx, actor, messageId);
    const files = tx
      .select({ sha256: chatAttachments.sha256 })
      .from(chatAttachments)
      .where(eq(chatAttachments.messageId, messageId))
      .all();
    tx.delete(chatAttachments).where(eq(chatAttachments.messageId, messageId)).run();
    tx.delete(chatReactions).where(eq(chatReactions.messageId, messageId)).run();
    tx.update(chatMessages).set({ body: '', deletedAt: ctx.now() }).where(eq(chatMessages.id, messageId)).run();
    return { chatId: message.chatId, shas: files.map((f) => f.sha256) };
  });
  dropUnreferenced(ctx, store, shas);
  ctx.events.emit('chat.message', { chatId, messageId, created: false });
}

export function toggleChatReaction(ctx: DomainContext, actor: Actor, messageId: number, raw: unknown): void {
  const emoji = knownEmoji(raw);
  if (!emoji) throw invalid('emoji.unknown');
  const done = ctx.db.transaction((tx) => {
    const message = tx
      .select({ chatId: chatMessages.chatId, deletedAt: chatMessages.deletedAt })
      .from(chatMessages)
      .where(eq(chatMessages.id, messageId))
      .get();
    if (!message || message.deletedAt !== null) throw notFound();
    chatFor(tx, actor, message.chatId);
    const mine = and(
      eq(chatReactions.messageId, messageId),
      eq(chatReactions.userId, actor.id),
      eq(chatReactions.emoji, emoji),
    );
    const removed = tx.delete(chatReactions).where(mine).run().changes > 0;
    if (!removed) tx.insert(chatReactions).values({ messageId, userId: actor.id, emoji, createdAt: ctx.now() }).run();
    return { chatId: message.chatId, added: !removed };
  });
  if (done.added) rememberEmoji(ctx, actor, emoji);
  ctx.events.emit('chat.message', { chatId: done.chatId, messageId, created: false });
}

/** Opening a chat reads it up to its newest message, for the actor only. */
export function markChatRead(ctx: DomainContext, actor: Actor, chatId: number): void {
  const now = ctx.now();
  const moved = ctx.db.transaction((tx) => {
    chatFor(tx, actor, chatId);
    const newest =
      tx
        .select({ id: max(chatMessages.id) })
        .from(chatMessages)
        .where(eq(chatMessages.chatId, chatId))
        .get()?.id ?? 0;
    const mine = tx
      .select({ lastReadId: chatMembers.lastReadId })
      .from(chatMembers)
      .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, actor.id)))
      .get();
    if (mine && mine.lastReadId >= newest) return false;
    tx.insert(chatMembers)
      .values({ chatId, userId: actor.id, lastReadId: newest, joinedAt: now })
      .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { lastReadId: newest } })
      .run();
    return true;
  });
  if (moved) ctx.events.emit('chat.read', { chatId, userId: actor.id });
}

function viewsOf(
  db: Pick<Tx, 'select'>,
  rows: {
    id: number;
    chatId: number;
    authorId: number | null;
    author: string | null;
    body: string;
    createdAt: number;
    editedAt: number | null;
    deletedAt: number | null;
  }[],
): ChatMessageView[] {
  const ids = rows.map((r) => r.id);
  const reactions = ids.length
    ? groupReactions(
        db
          .select({
            messageId: chatReactions.messageId,
            emoji: chatReactions.emoji,
            userId: users.id,
            name: users.name,
          })
          .from(chatReactions)
          .innerJoin(users, eq(users.id, chatReactions.userId))
          .where(inArray(chatReactions.messageId, ids))
          .orderBy(asc(chatReactions.createdAt), asc(users.name))
          .all(),
      )
    : new Map<number, Reaction[]>();
  const files = attachmentsOf(db, ids, chatAttachments);
  return rows.map(({ deletedAt, ...r }) => ({
    ...r,
    deleted: deletedAt !== null,
    reactions: reactions.get(r.id) ?? [],
    files: files.get(r.id) ?? [],
  }));
}

const messageColumns = {
  id: chatMessages.id,
  chatId: chatMessages.chatId,
  authorId: chatMessages.authorId,
  author: users.name,
  body: chatMessages.body,
  createdAt: chatMessages.createdAt,
  editedAt: chatMessages.editedAt,
  deletedAt: chatMessages.deletedAt,
};

/** A page of a chat's history, oldest first: the newest CHAT_PAGE messages, or those before `beforeId`. */
export function chatHistory(
  ctx: DomainContext,
  actor: Actor,
  chatId: number,
  beforeId?: number,
): { messages: ChatMessageView[]; more: boolean } {
  chatFor(ctx.db, actor, chatId);
  const rows = ctx.db
    .select(messageColumns)
    .from(chatMessages)
    .leftJoin(users, eq(users.id, chatMessages.authorId))
    .where(and(eq(chatMessages.chatId, chatId), beforeId === undefined ? undefined : lt(chatMessages.id, beforeId)))
    .orderBy(desc(chatMessages.id))
    .limit(CHAT_PAGE + 1)
    .all();
  const more = rows.length > CHAT_PAGE;
  return { messages: viewsOf(ctx.db, rows.slice(0, CHAT_PAGE).reverse()), more };
}

/** One message, for a member (a redraw after an action). */
export function chatMessageFor(ctx: DomainContext, actor: Actor, messageId: number): ChatMessageView {
  const m = chatMessageItem(ctx, messageId);
  if (!m) throw notFound();
  chatFor(ctx.db, actor, m.chatId);
  return m;
}

/** One message for a live update: loaded once, pushed only to the chat's members (access decided by who receives it). */
export function chatMessageItem(ctx: DomainContext, messageId: number): ChatMessageView | undefined {
  const row = ctx.db
    .select(messageColumns)
    .from(chatMessages)
    .leftJoin(users, eq(users.id, chatMessages.authorId))
    .where(eq(chatMessages.id, messageId))
    .get();
  return row && viewsOf(ctx.db, [row])[0];
}

/** Everyone looking at the chat has read it up to its newest message: one transaction, no events (the caller pushes). */
export function markChatReadBy(ctx: DomainContext, userIds: number[], chatId: number): void {
  if (userIds.length === 0) return;
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    const newest =
      tx
        .select({ id: max(chatMessages.id) })
        .from(chatMessages)
        .where(eq(chatMessages.chatId, chatId))
        .get()?.id ?? 0;
    for (const userId of userIds) {
      tx.insert(chatMembers)
        .values({ chatId, userId, lastReadId: newest, joinedAt: now })
        .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { lastReadId: newest } })
        .run();
    }
  });
}

/** Messages of others the actor has not read, per chat they are in. */
export function unreadByChat(db: Pick<Tx, 'select'>, actor: Actor, chatIds: number[]): Map<number, number> {
  if (chatIds.length === 0) return new Map();
  const rows = db
    .select({ chatId: chatMessages.chatId, n: sql<number>`count(*)` })
    .from(chatMessages)
    .leftJoin(chatMembers, and(eq(chatMembers.chatId, chatMessages.chatId), eq(chatMembers.userId, actor.id)))
    .where(
      and(
        inArray(chatMessages.chatId, chatIds),
        gt(chatMessages.id, sql`coalesce(${chatMembers.lastReadId}, 0)`),
        ne(chatMessages.authorId, actor.id),
        isNull(chatMessages.deletedAt),
      ),
    )
    .groupBy(chatMessages.chatId)
    .all();
  return new Map(rows.map((r) => [r.chatId, r.n]));
}
