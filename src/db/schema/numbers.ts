import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { inboxes } from './inboxes.ts';

export const registrationStates = ['registered', 'pending', 'unregistered', 'not-required'] as const;
export type Registration = (typeof registrationStates)[number];

/** A phone number the business texts from; it belongs to exactly one inbox (shared, or a user's private one). */
export const numbers = sqliteTable('numbers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  e164: text('e164').notNull().unique(),
  inboxId: integer('inbox_id')
    .notNull()
    .references(() => inboxes.id),
  /** The [[smpp]] connection that carries it. */
  connection: text('connection').notNull(),
  /** What its messages travel as (read through `kindOfNumber`). */
  kind: text('kind', { enum: ['sms', 'whatsapp'] })
    .notNull()
    .default('sms'),
  registration: text('registration', { enum: registrationStates }).notNull(),
  /** Attachments go as an SMS with an expiring link, or as an MMS over the [[mm7]] connection named here. */
  mediaRoute: text('media_route', { enum: ['link', 'mm7'] })
    .notNull()
    .default('link'),
  mm7Connection: text('mm7_connection'),
  maxAttachments: integer('max_attachments').notNull().default(5),
  maxAttachmentBytes: integer('max_attachment_bytes')
    .notNull()
    .default(2 * 1024 * 1024),
  /** When its [[number]] block left the configuration: texts to it are no longer taken, none can be written from it. */
  retiredAt: integer('retired_at'),
  createdAt: integer('created_at')
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});
