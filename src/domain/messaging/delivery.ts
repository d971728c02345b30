import { and, asc, eq, inArray, lt, lte } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { conversations, messageParts, messages, pendingReceipts, type MessageStatus } from '../../db/schema/conversations.ts';
import { mediaLinks } from '../../db/schema/media.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { attachmentsOf, type AttachmentView } from '../media/attachments.ts';
import type { DomainContext, Tx } from '../context.ts';

/** A queued message as the sender needs it. */
export interface DueMessage {
  messageId: number;
  conversationId: number;
  inboxId: number;
  from: string;
  to: string;
  body: string;
  /** The [[smpp]] connection, or the [[mm7]] one for files on a number whose route is mm7. */
  connection: string;
  attempts: number;
  /** Sent as an MMS (route mm7); empty otherwise. */
  files: AttachmentView[];
  /** The expiring link to append to the SMS (route link), when files go with it. */
  link: string | null;
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
        to: conversations.phone,
        body: messages.body,
        smpp: numbers.connection,
        mm7: numbers.mm7Connection,
        route: numbers.mediaRoute,
        attempts: messages.attempts,
        link: mediaLinks.url,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(numbers, eq(numbers.id, conversations.numberId))
      .leftJoin(mediaLinks, eq(mediaLinks.messageId, messages.id))
      .where(and(eq(messages.status, 'queued'), lte(messages.nextAttemptAt, now)))
      .orderBy(asc(messages.nextAttemptAt), asc(messages.id))
      .limit(limit)
      .all();
    for (const m of due) {
      tx.update(messages).set({ attempts: m.attempts + 1, nextAttemptAt: now + leaseMs, leased: true }).where(eq(messages.id, m.messageId)).run();
    }
    const files = attachmentsOf(tx, due.map((m) => m.messageId));
    return due.map(({ smpp, mm7, route, ...m }) => {
      const mms = route === 'mm7' && files.has(m.messageId);
      return { ...m, attempts: m.attempts + 1, connection: mms ? (mm7 ?? smpp) : smpp, files: mms ? files.get(m.messageId)! : [] };
    });
  });
}

type FinalState = 'delivered' | 'failed' | 'expired';

const rank: Record<'sent' | FinalState, number> = { delivered: 0, sent: 1, expired: 2, failed: 3 };

/** One segment's receipt; the message takes the worst state of its segments (delivered only when every one is). */
function applyToPart(tx: Tx, part: { messageId: number; seq: number }, state: FinalState, errorCode: string | null | undefined, now: number): void {
  tx.update(messageParts).set({ status: state }).where(and(eq(messageParts.messageId, part.messageId), eq(messageParts.seq, part.seq))).run();
  const states = tx.select({ status: messageParts.status }).from(messageParts).where(eq(messageParts.messageId, part.messageId)).all();
  const status: MessageStatus = states.reduce((w, s) => (rank[s.status] > rank[w] ? s.status : w), 'delivered' as keyof typeof rank);
  const failure = errorCode && state !== 'delivered' ? { errorCode, errorReason: `carrier reported ${state}` } : {};
  tx.update(messages).set({ status, updatedAt: now, ...failure }).where(eq(messages.id, part.messageId)).run();
}

/** Receipts that arrived before their submit_sm_resp was stored, now that the segment ids are known. */
function applyPendingReceipts(tx: Tx, messageId: number, smscIds: string[], now: number): void {
  const pending = tx.select().from(pendingReceipts).where(inArray(pendingReceipts.smscId, smscIds)).all();
  for (const r of pending) applyToPart(tx, { messageId, seq: smscIds.indexOf(r.smscId) }, r.state, r.errorCode, now);
  if (pending.length) tx.delete(pendingReceipts).where(inArray(pendingReceipts.receipt, pending.map((r) => r.receipt))).run();
}

function setStatus(ctx: DomainContext, m: Pick<DueMessage, 'messageId' | 'conversationId' | 'inboxId'>, fields: Partial<typeof messages.$inferInsert>, parts?: string[]): void {
  const now = ctx.now();
  ctx.db.transaction((tx) => {
    tx.update(messages).set({ ...fields, leased: false, updatedAt: now }).where(eq(messages.id, m.messageId)).run();
    if (parts) {
      tx.delete(messageParts).where(eq(messageParts.messageId, m.messageId)).run();
      tx.insert(messageParts).values(parts.map((smscId, seq) => ({ messageId: m.messageId, seq, smscId, status: 'sent' as const }))).run();
      applyPendingReceipts(tx, m.messageId, parts, now);
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
  ctx.db.update(messages).set({ nextAttemptAt: at, attempts: m.attempts - 1, leased: false }).where(eq(messages.id, m.messageId)).run();
}

/** A transient refusal (throttled, queue full, link down): try again at `at`, keeping the reason visible meanwhile. */
export function markRetry(ctx: DomainContext, m: DueMessage, at: number, code: string, reason: string): void {
  setStatus(ctx, m, { status: 'queued', nextAttemptAt: at, errorCode: code, errorReason: reason });
}

/**
 * At start-up only this process writes the database, so a message still leased was in flight when the
 * previous run died: it is due again now (at-least-once), not when its lease would have run out.
 */
export function releaseLeases(ctx: DomainContext): number {
  return ctx.db
    .update(messages)
    .set({ leased: false, nextAttemptAt: ctx.now() })
    .where(and(eq(messages.status, 'queued'), eq(messages.leased, true)))
    .run().changes;
}

// Unmatched receipts older than this belong to no message of ours (another system's ids): forget them.
const PENDING_RECEIPT_TTL_MS = 86_400_000;

/**
 * A delivery receipt for one segment. A receipt whose id is not recorded yet (it overtook its own
 * submit_sm_resp) is kept and applied when the id is stored. Returns whether a message was updated now.
 */
export function applyReceipt(ctx: DomainContext, smscIdCandidates: string[], state: FinalState, errorCode?: string): boolean {
  const now = ctx.now();
  const touched = ctx.db.transaction((tx) => {
    const part = tx
      .select({ messageId: messageParts.messageId, seq: messageParts.seq })
      .from(messageParts)
      .where(inArray(messageParts.smscId, smscIdCandidates))
      .get();
    if (!part) {
      const receipt = randomUUID();
      tx.insert(pendingReceipts).values(smscIdCandidates.map((smscId) => ({ receipt, smscId, state, errorCode: errorCode ?? null, at: now }))).run();
      tx.delete(pendingReceipts).where(lt(pendingReceipts.at, now - PENDING_RECEIPT_TTL_MS)).run();
      return null;
    }
    applyToPart(tx, part, state, errorCode, now);
    return tx
      .select({ messageId: messages.id, conversationId: messages.conversationId, inboxId: conversations.inboxId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, part.messageId))
      .get()!;
  });
  if (touched) ctx.events.emit('message.updated', touched);
  return touched !== null;
}
