import type Database from 'better-sqlite3';
import type { MessageContent, MessageStatus, PartStatus } from '../../db/schema/conversations.ts';
import type { MessageKind } from './capabilities.ts';
import { attachmentsOf, type AttachmentView } from '../media/attachments.ts';
import type { DomainContext } from '../context.ts';
import type { DomainEventMap } from '../events.ts';
import type { CarrierPause } from '../campaigns/carrier.ts';

/**
 * The outbound path at carrier rates: claims, submit outcomes and receipts. Prepared statements on the
 * connection (drizzle would prepare these afresh for every message), and many changes in one transaction, so
 * that `synchronous=FULL` costs one fsync per batch rather than one per message.
 */

/** A queued message as the sender needs it. */
export interface DueMessage {
  messageId: number;
  conversationId: number;
  inboxId: number;
  from: string;
  /** The customer's number; null for a WhatsApp user known only by `toId`. */
  to: string | null;
  /** What the number's messages travel as (see kindOfNumber). */
  kind: MessageKind;
  body: string;
  /** The [[smpp]] connection, or the [[mm7]] one for files on a number whose route is mm7. */
  connection: string;
  attempts: number;
  /** Sent as an MMS (route mm7) or with a WhatsApp message; empty otherwise. */
  files: AttachmentView[];
  /** The expiring link to append to the SMS (route link), when files go with it. */
  link: string | null;
  /** WhatsApp: the customer's business-scoped user id, when known. */
  toId: string | null;
  /** WhatsApp: the channel id of the customer message this one quotes. */
  replyTo: string | null;
  /** WhatsApp: an approved template with its filled variables, sent instead of the body. */
  template: NonNullable<MessageContent['template']> | null;
  /** WhatsApp: our reaction to the customer message with this channel id (the body is the emoji, '' takes it back). */
  reaction: { channelMessageId: string; emoji: string } | null;
  /** The campaign that queued it; null for everything else. */
  campaignId: number | null;
}

/** What became of a claimed message, or what a carrier reported: each is one change to write. */
export type DeliveryChange =
  /** Every segment was acknowledged (submit_sm_resp): only now is the message shown as sent. */
  | { kind: 'sent'; message: DueMessage; carrierIds: string[] }
  /** A transient refusal (throttled, queue full, link down): try again at `at`, keeping the reason visible meanwhile. */
  | { kind: 'retry'; message: DueMessage; at: number; code: string; reason: string }
  | { kind: 'failed'; message: DueMessage; code: string; reason: string }
  /** Handed back unsent (its number's pace allows it only later): the claim does not count as an attempt. */
  | { kind: 'postponed'; message: DueMessage; at: number }
  /**
   * A campaign message the carrier refused as too fast or over the number's daily cap: it waits for `resumeAt`
   * (the claim not counted as an attempt), and its campaign pauses until then with everything it has queued.
   */
  | { kind: 'campaign-paused'; message: DueMessage; reason: CarrierPause['reason']; resumeAt: number }
  /** One segment's receipt, by the id the channel stored for it on this connection. */
  | {
      kind: 'receipt';
      connection: string;
      carrierId: string;
      state: PartStatus;
      errorCode?: string;
      errorDetails?: string;
    };

interface Touched {
  messageId: number;
  conversationId: number;
  inboxId: number;
  campaignId: number | null;
}

// Unmatched receipts older than this belong to no message of ours (another system's ids): forget them.
const PENDING_RECEIPT_TTL_MS = 86_400_000;

/**
 * How far a part got: a state never goes back. A failure counts over `sent` only: once the customer has it
 * (delivered, read, played), a later failure report is ignored; a delivery reported after a failure wins.
 */
const progress: Record<PartStatus, number> = { sent: 0, failed: 1, expired: 1, delivered: 2, read: 3, played: 4 };

/** A message is as far as its least advanced part, and failed (or expired) if any part is. */
function messageStateOf(parts: PartStatus[]): PartStatus {
  if (parts.includes('failed')) return 'failed';
  if (parts.includes('expired')) return 'expired';
  return parts.reduce<PartStatus>((least, p) => (progress[p] < progress[least] ? p : least), 'played');
}

function prepare(db: Database.Database) {
  return {
    due: db.prepare<[number, number]>(`
      SELECT m.id AS messageId, m.conversation_id AS conversationId, c.inbox_id AS inboxId, n.e164 AS "from",
             c.phone AS "to", m.body, n.channel AS smpp, n.mm7_connection AS mm7, n.media_route AS route,
             n.kind, m.attempts, l.url AS link, c.whatsapp_id AS toId, q.channel_message_id AS replyTo,
             m.content, r.channel_message_id AS reactionTo, m.reaction_to_id AS reactionToId, m.campaign_id AS campaignId
      FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN numbers n ON n.id = c.number_id
      LEFT JOIN media_links l ON l.message_id = m.id
      LEFT JOIN messages q ON q.id = m.reply_to_id
      LEFT JOIN messages r ON r.id = m.reaction_to_id
      WHERE m.status = 'queued' AND m.next_attempt_at <= ?
      ORDER BY m.next_attempt_at, m.id
      LIMIT ?`),
    lease: db.prepare<[number, number]>(
      `UPDATE messages SET attempts = attempts + 1, next_attempt_at = ?, leased = 1 WHERE id = ?`,
    ),
    // Outcomes apply to a message still queued only: a send whose lease ran out and was claimed again must not
    // overwrite what the newer send recorded.
    sent: db.prepare<[number, number]>(`
      UPDATE messages SET status = 'sent', next_attempt_at = NULL, error_code = NULL, error_reason = NULL, leased = 0, updated_at = ?
      WHERE id = ? AND status = 'queued'`),
    retry: db.prepare<[number, string, string, number, number]>(`
      UPDATE messages SET next_attempt_at = ?, error_code = ?, error_reason = ?, leased = 0, updated_at = ?
      WHERE id = ? AND status = 'queued'`),
    failed: db.prepare<[string, string, number, number]>(`
      UPDATE messages SET status = 'failed', next_attempt_at = NULL, error_code = ?, error_reason = ?, leased = 0, updated_at = ?
      WHERE id = ? AND status = 'queued'`),
    postpone: db.prepare<[number, number]>(
      `UPDATE messages SET next_attempt_at = ?, attempts = attempts - 1, leased = 0 WHERE id = ? AND status = 'queued'`,
    ),
    // A carrier pause holds the campaign's other queued messages too (the outbox index narrows it to queued ones).
    pauseCampaign: db.prepare<[string, number, number, number, number]>(`
      UPDATE campaigns SET state = 'paused', paused_reason = ?, resume_at = ?, version = version + 1, updated_at = ?
      WHERE id = ? AND (state = 'sending' OR (state = 'paused' AND paused_reason <> 'manual' AND resume_at < ?))`),
    holdCampaign: db.prepare<[number, number, number]>(`
      UPDATE messages SET next_attempt_at = ? WHERE status = 'queued' AND campaign_id = ? AND leased = 0 AND next_attempt_at < ?`),
    dropParts: db.prepare<[number]>(`DELETE FROM message_parts WHERE message_id = ?`),
    addPart: db.prepare<[number, number, string, string]>(
      `INSERT INTO message_parts (message_id, seq, connection, smsc_id, status) VALUES (?, ?, ?, ?, 'sent')`,
    ),
    // SMSCs reuse ids after years of counting: the newest part with the id is the one reported on.
    partOf: db.prepare<[string, string], { messageId: number; seq: number }>(`
      SELECT message_id AS messageId, seq FROM message_parts WHERE connection = ? AND smsc_id = ? ORDER BY message_id DESC LIMIT 1`),
    partState: db
      .prepare<[number, number], PartStatus>(`SELECT status FROM message_parts WHERE message_id = ? AND seq = ?`)
      .pluck(),
    setPart: db.prepare<[string, number, number]>(
      `UPDATE message_parts SET status = ? WHERE message_id = ? AND seq = ?`,
    ),
    partStates: db.prepare<[number], PartStatus>(`SELECT status FROM message_parts WHERE message_id = ?`).pluck(),
    // updated_at is when the status last changed: while it stays `sent`, when the carrier acknowledged the message.
    statusOf: db.prepare<[number], { status: MessageStatus; updatedAt: number }>(
      `SELECT status, updated_at AS updatedAt FROM messages WHERE id = ?`,
    ),
    setStatus: db.prepare<[MessageStatus, number, number]>(
      `UPDATE messages SET status = ?, updated_at = ? WHERE id = ?`,
    ),
    setStatusWithError: db.prepare<[MessageStatus, number, string, string, number]>(`
      UPDATE messages SET status = ?, updated_at = ?, error_code = ?, error_reason = ? WHERE id = ?`),
    whereIs: db.prepare<[number], Omit<Touched, 'messageId'>>(`
      SELECT m.conversation_id AS conversationId, c.inbox_id AS inboxId, m.campaign_id AS campaignId
      FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?`),
    keepReceipt: db.prepare<[string, string, PartStatus, string | null, string | null, number]>(`
      INSERT INTO pending_receipts (connection, smsc_id, state, error_code, error_details, at) VALUES (?, ?, ?, ?, ?, ?)`),
    pendingFor: db.prepare<
      [string, string],
      { state: PartStatus; errorCode: string | null; errorDetails: string | null }
    >(`
      SELECT state, error_code AS errorCode, error_details AS errorDetails FROM pending_receipts
      WHERE connection = ? AND smsc_id = ? ORDER BY rowid`),
    dropPending: db.prepare<[string, string]>(`DELETE FROM pending_receipts WHERE connection = ? AND smsc_id = ?`),
    forgetPending: db.prepare<[number]>(`DELETE FROM pending_receipts WHERE at < ?`),
  };
}

type Statements = ReturnType<typeof prepare>;
const statementsByDb = new WeakMap<Database.Database, Statements>();

function statementsOf(ctx: DomainContext): Statements {
  const db = ctx.db.$client;
  let s = statementsByDb.get(db);
  if (!s) statementsByDb.set(db, (s = prepare(db)));
  return s;
}

type StatusChange = DomainEventMap['message.status'];

interface Report {
  state: PartStatus;
  errorCode?: string | null | undefined;
  errorDetails?: string | null | undefined;
}

/**
 * One segment's report, taken only if it moves the segment on (see `progress`); the message takes the state of
 * its segments (delivered only when every one is). A failure keeps the carrier's code and words. Returns the
 * message's move out of `sent`, with how long after `sent` it came, or null when it stays.
 */
function applyToPart(
  s: Statements,
  part: { messageId: number; seq: number },
  connection: string,
  report: Report,
  now: number,
): StatusChange | null {
  const current = s.partState.get(part.messageId, part.seq);
  if (current === undefined || progress[report.state] <= progress[current]) return null;
  s.setPart.run(report.state, part.messageId, part.seq);
  const status = messageStateOf(s.partStates.all(part.messageId));
  const before = s.statusOf.get(part.messageId)!;
  const failure = report.state === 'failed' || report.state === 'expired';
  if (failure && (report.errorCode || report.errorDetails))
    s.setStatusWithError.run(
      status,
      now,
      report.errorCode ?? '',
      report.errorDetails ?? `carrier reported ${report.state}`,
      part.messageId,
    );
  else if (status !== before.status) s.setStatus.run(status, now, part.messageId);
  if (status === 'sent' || before.status !== 'sent') return null;
  return { connection, status, receiptMs: now - before.updatedAt };
}

/** Returns the message the change touched (for the event), or null when it touched none; its status moves go to `moves`. */
function apply(s: Statements, change: DeliveryChange, now: number, moves: StatusChange[]): Touched | null {
  const moved = (move: StatusChange | null) => void (move && moves.push(move));
  if (change.kind === 'receipt') {
    const part = s.partOf.get(change.connection, change.carrierId);
    if (!part) {
      // It overtook its own submit_sm_resp (an SMSC may send both in one packet): kept until the id is stored.
      s.keepReceipt.run(
        change.connection,
        change.carrierId,
        change.state,
        change.errorCode ?? null,
        change.errorDetails ?? null,
        now,
      );
      return null;
    }
    moved(applyToPart(s, part, change.connection, change, now));
    return { messageId: part.messageId, ...s.whereIs.get(part.messageId)! };
  }
  const m = change.message;
  const where = {
    messageId: m.messageId,
    conversationId: m.conversationId,
    inboxId: m.inboxId,
    campaignId: m.campaignId,
  };
  switch (change.kind) {
    case 'postponed':
      s.postpone.run(change.at, m.messageId);
      return null;
    case 'campaign-paused':
      if (!s.postpone.run(change.resumeAt, m.messageId).changes || m.campaignId === null) return null;
      s.pauseCampaign.run(change.reason, change.resumeAt, now, m.campaignId, change.resumeAt);
      s.holdCampaign.run(change.resumeAt, m.campaignId, change.resumeAt);
      return where;
    case 'retry':
      return s.retry.run(change.at, change.code, change.reason, now, m.messageId).changes ? where : null;
    case 'failed':
      if (!s.failed.run(change.code, change.reason, now, m.messageId).changes) return null;
      moved({ connection: m.connection, status: 'failed' });
      return where;
    case 'sent': {
      if (!s.sent.run(now, m.messageId).changes) return null;
      moved({ connection: m.connection, status: 'sent' });
      s.dropParts.run(m.messageId);
      change.carrierIds.forEach((id, seq) => s.addPart.run(m.messageId, seq, m.connection, id));
      change.carrierIds.forEach((id, seq) => {
        for (const early of s.pendingFor.all(m.connection, id))
          moved(applyToPart(s, { messageId: m.messageId, seq }, m.connection, early, now));
        s.dropPending.run(m.connection, id);
      });
      return where;
    }
  }
}

/** Takes up to `limit` due messages and leases them for `leaseMs` (see claimDue). */
function claim(ctx: DomainContext, s: Statements, limit: number, leaseMs: number, now: number): DueMessage[] {
  const due = s.due.all(now, limit) as DueRow[];
  for (const m of due) s.lease.run(now + leaseMs, m.messageId);
  // An MMS route and WhatsApp send files themselves; a link route sends the link.
  const sendsFiles = (m: Pick<DueRow, 'kind' | 'route'>) => m.kind === 'whatsapp' || m.route === 'mm7';
  const files = attachmentsOf(
    ctx.db,
    due.filter(sendsFiles).map((m) => m.messageId),
  );
  return due.map(({ smpp, mm7, route, content, reactionTo, reactionToId, ...m }) => {
    const mms = m.kind === 'sms' && route === 'mm7' && files.has(m.messageId);
    const parsed = content === null ? null : (JSON.parse(content) as MessageContent);
    return {
      ...m,
      to: m.to === '' ? null : m.to,
      attempts: m.attempts + 1,
      connection: mms ? (mm7 ?? smpp) : smpp,
      files: sendsFiles({ kind: m.kind, route }) ? (files.get(m.messageId) ?? []) : [],
      template: parsed?.template ?? null,
      // Queued only for a message with a channel id (toggleReaction); the row goes when the message does.
      reaction: reactionToId === null ? null : { channelMessageId: reactionTo ?? '', emoji: m.body },
    };
  });
}

type DueRow = Omit<DueMessage, 'files' | 'connection' | 'template' | 'reaction' | 'to'> & {
  to: string;
  smpp: string;
  mm7: string | null;
  route: 'link' | 'mm7';
  content: string | null;
  reactionTo: string | null;
  reactionToId: number | null;
};

/**
 * Writes `changes` in order, then claims up to `claim.limit` due messages, all in one transaction; after the
 * commit, each message whose state changed is announced once. A receipt written before its own `sent` in the
 * same batch is kept and applied by it. Returns the claimed messages and how many messages changed.
 */
export function writeDeliveries(
  ctx: DomainContext,
  changes: DeliveryChange[],
  claimOf?: { limit: number; leaseMs: number },
): { claimed: DueMessage[]; updated: number } {
  const s = statementsOf(ctx);
  const now = ctx.now();
  const touched = new Map<number, Touched>();
  const moves: StatusChange[] = [];
  const claimed = ctx.db.$client
    .transaction(() => {
      for (const change of changes) {
        const t = apply(s, change, now, moves);
        if (t) touched.set(t.messageId, t);
      }
      if (changes.some((c) => c.kind === 'receipt')) s.forgetPending.run(now - PENDING_RECEIPT_TTL_MS);
      return claimOf && claimOf.limit > 0 ? claim(ctx, s, claimOf.limit, claimOf.leaseMs, now) : [];
    })
    .immediate();
  const campaigns = new Map<number, number>();
  for (const { campaignId, ...t } of touched.values()) {
    ctx.events.emit('message.updated', t);
    if (campaignId !== null) campaigns.set(campaignId, t.inboxId);
  }
  for (const move of moves) ctx.events.emit('message.status', move);
  for (const [campaignId, inboxId] of campaigns) ctx.events.emit('campaign.changed', { campaignId, inboxId });
  return { claimed, updated: touched.size };
}

/**
 * Takes up to `limit` due messages and leases them for `leaseMs`: a message whose sender dies mid-flight
 * (crash, kill -9) becomes due again when the lease runs out, so delivery is at-least-once, never lost.
 */
export function claimDue(ctx: DomainContext, limit: number, leaseMs: number): DueMessage[] {
  return writeDeliveries(ctx, [], { limit, leaseMs }).claimed;
}

/** Why a campaign text leased when the previous run died is not sent again. */
export const INTERRUPTED_REASON =
  'the server stopped while this campaign text was being sent: it may have reached the recipient, so it is not sent again';

/**
 * At start-up only this process writes the database, so a message still leased was in flight when the
 * previous run died: it is due again now (at-least-once), not when its lease would have run out. Returns how many.
 *
 * A campaign text is the exception: nobody may get one twice, and whether the carrier took it is unknown, so it fails
 * as `interrupted` (at-most-once, shown in the campaign's report) — counted in `interrupted` by the callback.
 */
export function releaseLeases(ctx: DomainContext, interrupted: (count: number) => void = () => {}): number {
  const db = ctx.db.$client;
  const now = ctx.now();
  return db.transaction(() => {
    const failed = db
      .prepare(
        `UPDATE messages SET status = 'failed', next_attempt_at = NULL, leased = 0, error_code = 'interrupted',
           error_reason = ?, updated_at = ?
         WHERE status = 'queued' AND leased = 1 AND campaign_id IS NOT NULL`,
      )
      .run(INTERRUPTED_REASON, now).changes;
    if (failed) interrupted(failed);
    return db
      .prepare(`UPDATE messages SET leased = 0, next_attempt_at = ? WHERE status = 'queued' AND leased = 1`)
      .run(now).changes;
  })();
}
