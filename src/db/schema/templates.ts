import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A channel's message templates as its provider last listed them (WhatsApp's, for outside the 24-hour window). */
export const messageTemplates = sqliteTable(
  'message_templates',
  {
    /** The [[whatsapp]] block whose business account owns it. */
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    /** As the provider names it; only APPROVED ones may be sent. */
    status: text('status').notNull(),
    category: text('category').notNull(),
    /** With its numbered variables: `Hello {{1}}`. */
    body: text('body').notNull(),
    header: text('header'),
    footer: text('footer'),
    syncedAt: integer('synced_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.name, t.language] })],
);
