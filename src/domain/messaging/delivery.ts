import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { contacts } from '../../db/schema/contacts.ts';
import { conversations, messageParts, messages, type MessageStatus } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { DomainContext } from '../context.ts';

/** A queued message as the sender needs it. */
export interface DueMessage {
  messageId: number;
  conversationId: number;
  inboxId: number;
  from: string;
  to: string;
  body: string;
  connection: string;
  attempts: number;
}

/**
 * Takes up to `limit` due messages and leases them for `leaseMs`: a message whose sender dies mid-flight
 * (crash, kill -9) becomes due again when the lease runs out, so delivery is at-least-once, never lost.
 */
export function claimDue(ctx: DomainContext, limit: number, leaseMs: number): DueMessage[] {
  const now = ctx.now();
  return ctx.db.transaction((tx) => {
    const due = tx
      .select({
        messageId: messages.id,
        conversationId: messages.conversationId,
        inboxId: conversations.inboxId,
        from: numbers.e164,
        to: contacts.phone,
        body: messages.body,
        connection: numbers.connection,
        attempts: messages.attempts,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(numbers, eq(numbers.id, conversations.numberId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(messages.status, 'queued'), lte(messages.nextAttemptAt, now)))
      .orderBy(asc(messages.nextAttemptAt), asc(messages.id))
      .limit(limit)
      .all();
    for (const m of due) {
      tx.update(messages).set({ attempts: m.attempts + 1, nextAttemptAt: now + leaseMs }).where(eq(messages.id, m.messageId)).run();
    }
    return due.map((m) => ({ ...m, to: m.to ?? '', attempts: m.attempts + 1 }));
  });
}

function setStatus(ctx: DomainContext, m: Pick<DueMessage, 'messageId' | 'conversationId' | 'inboxId'>, fields: Partial<typeof messages.$inferInsert>, parts?: string[]): void {
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    tx.update(messages).set({ ...fields, updatedAt: now }).where(eq(messages.id, m.messageId)).run();
    if (parts) {
      tx.delete(messageParts).where(eq(messageParts.messageId, m.messageId)).run();
      tx.insert(messageParts).values(parts.map((smscId, seq) => ({ messageId: m.messageId, seq, smscId, status: 'sent' as const }))).run();
    }
  });
  ctx.events.emit('message.updated', { messageId: m.messageId, conversationId: m.conversationId, inboxId: m.inboxId });
}

/** Every segment was acknowledged by the SMSC (submit_sm_resp): only now is the message shown as sent. */
export function markSent(ctx: DomainContext, m: DueMessage, smscIds: string[]): void {
  setStatus(ctx, m, { status: 'sent', nextAttemptAt: null, errorCode: null, errorReason: null }, smscIds);
}

export function markFailed(ctx: DomainContext, m: DueMessage, code: string, reason: string): void {
  setStatus(ctx, m, { status: 'failed', nextAttemptAt: null, errorCode: code, errorReason: reason });
}

/** Hands a claimed message back unsent (its number's pace allows it only later): the claim does not count as an attempt. */
export function postpone(ctx: DomainContext, m: DueMessage, at: number): void {
  ctx.db.update(messages).set({ nextAttemptAt: at, attempts: m.attempts - 1 }).where(eq(messages.id, m.messageId)).run();
}

/** A transient refusal (throttled, queue full, link down): try again at `at`, keeping the reason visible meanwhile. */
export function markRetry(ctx: DomainContext, m: DueMessage, at: number, code: string, reason: string): void {
  setStatus(ctx, m, { status: 'queued', nextAttemptAt: at, errorCode: code, errorReason: reason });
}

const rank: Record<'sent' | 'delivered' | 'failed' | 'expired', number> = { delivered: 0, sent: 1, expired: 2, failed: 3 };

/**
 * A delivery receipt for one segment. The message takes the worst state of its segments: delivered only
 * when every segment is. Unknown ids (another system's, or a receipt racing ahead of our own record) are ignored.
 */
export function applyReceipt(ctx: DomainContext, smscIdCandidates: string[], state: 'delivered' | 'failed' | 'expired', errorCode?: string): boolean {
  const now = ctx.now();
  const touched = ctx.db.transaction((tx) => {
    const part = tx
      .select({ messageId: messageParts.messageId, seq: messageParts.seq })
      .from(messageParts)
      .where(inArray(messageParts.smscId, smscIdCandidates))
      .get();
    if (!part) return null;
    tx.update(messageParts).set({ status: state }).where(and(eq(messageParts.messageId, part.messageId), eq(messageParts.seq, part.seq))).run();
    const states = tx.select({ status: messageParts.status }).from(messageParts).where(eq(messageParts.messageId, part.messageId)).all();
    const worst = states.reduce((w, s) => (rank[s.status] > rank[w] ? s.status : w), 'delivered' as keyof typeof rank);
    const status: MessageStatus = worst;
    const row = tx
      .update(messages)
      .set({ status, updatedAt: now, ...(errorCode && state !== 'delivered' ? { errorCode, errorReason: `carrier reported ${state}` } : {}) })
      .where(eq(messages.id, part.messageId))
      .returning({ conversationId: messages.conversationId })
      .get();
    const inbox = tx.select({ inboxId: conversations.inboxId }).from(conversations).where(eq(conversations.id, row.conversationId)).get();
    return { messageId: part.messageId, conversationId: row.conversationId, inboxId: inbox!.inboxId };
  });
  if (touched) ctx.events.emit('message.updated', touched);
  return touched !== null;
}
