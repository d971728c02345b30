import { and, eq, gt } from 'drizzle-orm';
import { inboxes } from '../../db/schema/inboxes.ts';
import { conversations, messages } from '../../db/schema/conversations.ts';
import { mediaLinks } from '../../db/schema/media.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { conversationReadableBy } from '../inboxes/access.ts';
import { attachmentOf, attachmentsOf, type AttachmentView } from './attachments.ts';

/** A message's file, for someone who may read its conversation; 404 for everyone else, as if it did not exist. */
export function attachmentFor(ctx: DomainContext, actor: Actor, messageId: number, seq: number): AttachmentView {
  const readable = ctx.db
    .select({ id: messages.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(and(eq(messages.id, messageId), conversationReadableBy(actor)))
    .get();
  const file = readable && attachmentOf(ctx.db, messageId, seq);
  if (!file) throw notFound();
  return file;
}

export interface LinkedFiles {
  /** Our number the files came from, so the recipient knows who sent them. */
  from: string;
  files: AttachmentView[];
}

/** What an SMS link opens: the message's files while the link is valid; null once it expired or if it never existed. */
export function linkedFiles(ctx: DomainContext, token: string): LinkedFiles | null {
  const link = ctx.db
    .select({ messageId: mediaLinks.messageId, from: numbers.e164 })
    .from(mediaLinks)
    .innerJoin(messages, eq(messages.id, mediaLinks.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(numbers, eq(numbers.id, conversations.numberId))
    .where(and(eq(mediaLinks.token, token), gt(mediaLinks.expiresAt, ctx.now())))
    .get();
  if (!link) return null;
  return { from: link.from, files: attachmentsOf(ctx.db, [link.messageId]).get(link.messageId) ?? [] };
}
