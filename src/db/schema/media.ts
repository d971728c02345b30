import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { messages } from './conversations.ts';

export const attachmentKinds = ['image', 'audio', 'video', 'pdf', 'vcard'] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];

/** What the timeline shows without opening the file: image size, PDF pages, the name on a contact card. */
export interface AttachmentMeta {
  width?: number;
  height?: number;
  pages?: number;
  name?: string;
  /** How long a voice note plays, when it was cheap to know (read from the Ogg/Opus stream). */
  seconds?: number;
}

/**
 * A file sent or received with a message. The bytes live once on disk under media/, named by their
 * SHA-256, however many messages carry them; the type was read from the bytes, never from the name.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    sha256: text('sha256').notNull(),
    contentType: text('content_type').notNull(),
    kind: text('kind', { enum: attachmentKinds }).notNull(),
    filename: text('filename').notNull(),
    size: integer('size').notNull(),
    meta: text('meta', { mode: 'json' }).$type<AttachmentMeta>().notNull(),
    /** Recorded as a voice note (sent to WhatsApp as one, drawn as one), not a sound file attached. */
    voice: integer('voice', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.seq] }), index('attachments_sha256_idx').on(t.sha256)],
);

/** The unguessable link an SMS carries (mms = "link") so the recipient can open a message's files until it expires. */
export const mediaLinks = sqliteTable('media_links', {
  messageId: integer('message_id')
    .primaryKey()
    .references(() => messages.id, { onDelete: 'cascade' }),
  token: text('token').notNull().unique(),
  /** As texted: the server's public address at the time, then /m/<token>. */
  url: text('url').notNull(),
  expiresAt: integer('expires_at').notNull(),
});
