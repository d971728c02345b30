import { eq } from 'drizzle-orm';
import { chatAttachments, chatMessages } from '../../db/schema/chats.ts';
import type { Actor, DomainContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { attachmentOf, type AttachmentView } from '../media/attachments.ts';
import { chatFor } from './access.ts';

/** A chat message's file, for the chat's members; 404 for everyone else. */
export function attachmentFor(ctx: DomainContext, actor: Actor, messageId: number, seq: number): AttachmentView {
  const message = ctx.db
    .select({ chatId: chatMessages.chatId })
    .from(chatMessages)
    .where(eq(chatMessages.id, messageId))
    .get();
  if (!message) throw notFound();
  chatFor(ctx.db, actor, message.chatId);
  const file = attachmentOf(ctx.db, messageId, seq, chatAttachments);
  if (!file) throw notFound();
  return file;
}
