import { and, eq } from 'drizzle-orm';
import { optOuts } from '../../db/schema/contacts.ts';
import { conversations, messages } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { assertCanSeeInbox } from '../inboxes/access.ts';

export const MAX_BODY = 1600;


/** Carriers block unregistered 10DLC traffic, so it never reaches the outbox. */
export function assertMayText(tx: Pick<Tx, 'select'>, numberId: number, phone: string): void {
  const number = tx.select({ registration: numbers.registration }).from(numbers).where(eq(numbers.id, numberId)).get();
  if (!number) throw notFound();
  if (number.registration === 'pending' || number.registration === 'unregistered') {
    throw new DomainError(422, 'sms.unregistered', { state: number.registration }, 'body');
  }
  const optedOut = tx.select({ at: optOuts.at }).from(optOuts).where(and(eq(optOuts.phone, phone), eq(optOuts.numberId, numberId))).get();
  if (optedOut) throw new DomainError(422, 'sms.opted_out', {}, 'body');
}

/** Writes an outbound message as `queued` in the same transaction as the conversation update; the sender loop does the network part. */
export function insertOutbound(tx: Tx, conversationId: number, body: string, authorUserId: number | null, now: number): number {
  // A person's answer ends the customer's wait; an automatic one (STOP's confirmation) does not.
  const answered = authorUserId === null ? {} : { waitingSince: null };
  tx.update(conversations).set({ lastMessageAt: now, ...answered }).where(eq(conversations.id, conversationId)).run();
  return tx
    .insert(messages)
    .values({ conversationId, direction: 'out', authorUserId, body, status: 'queued', nextAttemptAt: now, createdAt: now, updatedAt: now })
    .returning({ id: messages.id })
    .get().id;
}

/** A message as typed: line ends unified, trimmed, not empty, not longer than ten SMS' worth. */
export function cleanBody(rawBody: unknown): string {
  const body = typeof rawBody === 'string' ? rawBody.replace(/\r\n/g, '\n').trim() : '';
  if (body.length === 0) throw invalid('sms.body_empty', 'body');
  if (body.length > MAX_BODY) throw invalid('sms.body_long', 'body', { max: MAX_BODY });
  return body;
}

/** An agent's reply: rights, registration and opt-out are checked before anything is written. */
export function queueReply(ctx: DomainContext, actor: Actor, conversationId: number, rawBody: unknown): { messageId: number } {
  const body = cleanBody(rawBody);
  const now = ctx.now();
  const result = ctx.db.transaction((tx) => {
    const row = tx
      .select({ inboxId: conversations.inboxId, numberId: conversations.numberId, phone: conversations.phone })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .get();
    if (!row) throw notFound();
    // Same connection, same transaction: the check reads what this transaction sees.
    assertCanSeeInbox(ctx, actor, row.inboxId);
    assertMayText(tx, row.numberId, row.phone);
    return { inboxId: row.inboxId, messageId: insertOutbound(tx, conversationId, body, actor.id, now) };
  });
  ctx.events.emit('message.created', { conversationId, messageId: result.messageId, inboxId: result.inboxId, direction: 'out' });
  return { messageId: result.messageId };
}
