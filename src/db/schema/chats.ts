import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { inboxes } from './inboxes.ts';
import type { AttachmentKind, AttachmentMeta } from './media.ts';
import { attachmentKinds } from './media.ts';
import { users } from './users.ts';

export const chatKinds = ['direct', 'team'] as const;
export type ChatKind = (typeof chatKinds)[number];

/**
 * The team's own conversations: a direct chat between two people (one per pair, found by `direct_key`),
 * or a named team chat, optionally the one chat of an inbox whose members it follows.
 */
export const chats = sqliteTable(
  'chats',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: chatKinds }).notNull(),
    name: text('name'),
    /** "smallerId:largerId" for a direct chat, so a pair has exactly one. */
    directKey: text('direct_key').unique(),
    inboxId: integer('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastMessageAt: integer('last_message_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('chats_inbox_idx')
      .on(t.inboxId)
      .where(sql`${t.inboxId} IS NOT NULL`),
  ],
);

export const chatMembers = sqliteTable(
  'chat_members',
  {
    chatId: integer('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The newest message this member has seen: everything after it is unread for them. */
    lastReadId: integer('last_read_id').notNull().default(0),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] }), index('chat_members_user_idx').on(t.userId)],
);

export const chatMessages = sqliteTable(
  'chat_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    chatId: integer('chat_id')
      .notNull()
      .references(() => chats.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Markdown; emptied when deleted (the row stays, shown as "deleted"). */
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('chat_messages_chat_idx').on(t.chatId, t.id)],
);

export const chatReactions = sqliteTable(
  'chat_reactions',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => chatMessages.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
);

/** Files in a chat message, stored like a conversation's (content-addressed under media/). */
export const chatAttachments = sqliteTable(
  'chat_attachments',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => chatMessages.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    kind: text('kind', { enum: attachmentKinds }).notNull().$type<AttachmentKind>(),
    filename: text('filename').notNull(),
    size: integer('size').notNull(),
    meta: text('meta', { mode: 'json' }).$type<AttachmentMeta>().notNull(),
    /** Same columns as a conversation's attachments, so both are read and drawn alike. */
    voice: integer('voice', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.seq] }), index('chat_attachments_sha256_idx').on(t.sha256)],
);
