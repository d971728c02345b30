import { and, eq, max } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { optOuts } from '../../db/schema/contacts.ts';
import { conversations, messages, type MessageContent } from '../../db/schema/conversations.ts';
import { mediaLinks } from '../../db/schema/media.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { assertCanSeeInbox } from '../inboxes/access.ts';
import { attachFiles, checkUploads, type Upload } from '../media/attachments.ts';
import { dropUnreferenced, type MediaStore } from '../media/store.ts';
import { capabilitiesOf, messageKinds, type MessageKind } from './capabilities.ts';
import { optOutAddress } from './address.ts';
import { kindOfNumber } from './kind.ts';
import { customerLinkBase, type CustomerLinks } from './links.ts';
import { quotableMessage } from './quotes.ts';

/** Whether free text may go now: `closesAt` null when the kind has no window (SMS) or the customer never wrote. */
export interface ReplyWindow {
  open: boolean;
  closesAt: number | null;
}

/** The window the customer's last message opened (WhatsApp: 24 hours); a kind without one is always open. */
function windowOf(tx: Pick<Tx, 'select'>, conversationId: number | null, kind: MessageKind, now: number): ReplyWindow {
  const windowMs = capabilitiesOf(kind).replyWindowMs;
  if (windowMs === null) return { open: true, closesAt: null };
  if (conversationId === null) return { open: false, closesAt: null };
  const last = tx
    .select({ at: max(messages.createdAt) })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in')))
    .get()?.at;
  if (last === null || last === undefined) return { open: false, closesAt: null };
  return { open: now < last + windowMs, closesAt: last + windowMs };
}

/** The reply window of a conversation, for the composer (how long it stays open) and the send gate. */
export function replyWindowOf(ctx: DomainContext, conversationId: number): ReplyWindow {
  const row = ctx.db
    .select({ numberId: conversations.numberId })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
  if (!row) throw notFound();
  return windowOf(ctx.db, conversationId, kindOfNumber(ctx.db, row.numberId) ?? 'sms', ctx.now());
}

/** What is about to be sent, for the gate: to a conversation (null: one about to be started), free text or a template. */
export interface SendTarget {
  conversationId: number | null;
  now: number;
  template?: boolean;
}

/**
 * The one send gate. Carriers block unregistered 10DLC traffic, so it never reaches the outbox; an opted-out
 * customer gets nothing (on any kind); WhatsApp takes free text only inside the reply window, templates always.
 */
export function assertMayText(tx: Pick<Tx, 'select'>, numberId: number, phone: string, target: SendTarget): void {
  const number = tx
    .select({ registration: numbers.registration, retiredAt: numbers.retiredAt, kind: numbers.kind })
    .from(numbers)
    .where(eq(numbers.id, numberId))
    .get();
  if (!number) throw notFound();
  if (number.retiredAt !== null) throw new DomainError(422, 'sms.number_retired', {}, 'body');
  if (number.registration === 'pending' || number.registration === 'unregistered') {
    throw new DomainError(422, 'sms.unregistered', { state: number.registration }, 'body');
  }
  const whatsappId =
    target.conversationId === null
      ? null
      : (tx
          .select({ id: conversations.whatsappId })
          .from(conversations)
          .where(eq(conversations.id, target.conversationId))
          .get()?.id ?? null);
  const optedOut = tx
    .select({ at: optOuts.at })
    .from(optOuts)
    .where(and(eq(optOuts.phone, optOutAddress({ phone, whatsappId })), eq(optOuts.numberId, numberId)))
    .get();
  if (optedOut) throw new DomainError(422, 'sms.opted_out', {}, 'body');
  if (!target.template && !windowOf(tx, target.conversationId, number.kind, target.now).open)
    throw new DomainError(422, 'send.window_closed', {}, 'body');
}

/** Writes an outbound message as `queued` in the same transaction as the conversation update; the sender loop does the network part. */
export function insertOutbound(
  tx: Tx,
  conversationId: number,
  body: string,
  authorUserId: number | null,
  now: number,
  extra: { replyToId?: number; content?: MessageContent; campaignId?: number } = {},
): number {
  // A person's answer ends the customer's wait; an automatic one (STOP's confirmation) does not.
  const answered = authorUserId === null ? {} : { waitingSince: null };
  tx.update(conversations)
    .set({ lastMessageAt: now, ...answered })
    .where(eq(conversations.id, conversationId))
    .run();
  return tx
    .insert(messages)
    .values({
      conversationId,
      direction: 'out',
      authorUserId,
      body,
      status: 'queued',
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
      ...extra,
    })
    .returning({ id: messages.id })
    .get().id;
}

/** The customer message a reply quotes: of this conversation, from the customer, with the channel's id to quote by. */
function quotable(tx: Pick<Tx, 'select'>, conversationId: number, messageId: number, kind: MessageKind): number {
  const target = quotableMessage(tx, conversationId, messageId);
  if (!target || !capabilitiesOf(kind).quotes) throw invalid('reply.quote_unknown', 'replyTo');
  return target.id;
}

/**
 * A message as typed: line ends unified, trimmed, not empty (unless files go with it), not longer than its kind
 * carries (ten SMS' worth; WhatsApp's 4 096). Before the kind is known, the longest any kind carries.
 */
export function cleanBody(rawBody: unknown, mayBeEmpty = false, limit = LONGEST_TEXT): string {
  const body = typeof rawBody === 'string' ? rawBody.replace(/\r\n/g, '\n').trim() : '';
  if (body.length === 0 && !mayBeEmpty) throw invalid('sms.body_empty', 'body');
  assertFits(body, limit);
  return body;
}

const LONGEST_TEXT = Math.max(...messageKinds.map((kind) => capabilitiesOf(kind).textLimit));

/** Refuses a text longer than `limit` (a kind's textLimit) characters. */
export function assertFits(body: string, limit: number): void {
  if (body.length > limit) throw invalid('sms.body_long', 'body', { max: limit });
}

/** Files that go with a reply, and how to link them for a number whose route is `link`. */
export interface ReplyMedia {
  store: MediaStore;
  uploads: Upload[];
  /** Where the link may point. */
  links: CustomerLinks;
  linkDays: number;
}

/** An SMS cannot carry files: the customer gets an unguessable link that opens them until it expires. */
export function addMediaLink(tx: Tx, messageId: number, base: string, linkDays: number, now: number): void {
  const token = randomBytes(18).toString('base64url');
  tx.insert(mediaLinks)
    .values({ messageId, token, url: `${base}/m/${token}`, expiresAt: now + linkDays * 86_400_000 })
    .run();
}

/**
 * An agent's reply: rights, registration, opt-out and every file's limits are checked before anything is
 * written; message, files and link are one transaction (a file moved into place for a transaction that
 * then fails is removed again unless another message uses it).
 */
export function queueReply(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  rawBody: unknown,
  media?: ReplyMedia,
  options: { replyToMessageId?: number } = {},
): { messageId: number } {
  const uploads = media?.uploads ?? [];
  const body = cleanBody(rawBody, uploads.length > 0);
  const now = ctx.now();
  const adopted: string[] = [];
  let result: { inboxId: number; messageId: number };
  try {
    result = ctx.db.transaction((tx) => {
      const row = tx
        .select({
          inboxId: conversations.inboxId,
          numberId: conversations.numberId,
          phone: conversations.phone,
          channel: numbers.channel,
          kind: numbers.kind,
          mediaRoute: numbers.mediaRoute,
          maxAttachments: numbers.maxAttachments,
          maxAttachmentBytes: numbers.maxAttachmentBytes,
        })
        .from(conversations)
        .innerJoin(numbers, eq(numbers.id, conversations.numberId))
        .where(eq(conversations.id, conversationId))
        .get();
      if (!row) throw notFound();
      // Same connection, same transaction: the check reads what this transaction sees.
      assertCanSeeInbox(ctx, actor, row.inboxId);
      assertMayText(tx, row.numberId, row.phone, { conversationId, now });
      assertFits(body, capabilitiesOf(row.kind).textLimit);
      const replyToId =
        options.replyToMessageId === undefined
          ? undefined
          : quotable(tx, conversationId, options.replyToMessageId, row.kind);
      const files = checkUploads(row, uploads);
      const linkBase =
        files.length > 0 && media && row.mediaRoute === 'link' && row.kind === 'sms'
          ? customerLinkBase(media.links, row.channel, 'files')
          : null;
      const messageId = insertOutbound(tx, conversationId, body, actor.id, now, replyToId ? { replyToId } : {});
      if (files.length > 0 && media) {
        attachFiles(tx, media.store, messageId, files, adopted);
        if (linkBase !== null) addMediaLink(tx, messageId, linkBase, media.linkDays, now);
      }
      return { inboxId: row.inboxId, messageId };
    });
  } catch (err) {
    if (media) dropUnreferenced(ctx, media.store, adopted);
    throw err;
  }
  ctx.events.emit('message.created', {
    conversationId,
    messageId: result.messageId,
    inboxId: result.inboxId,
    direction: 'out',
  });
  return { messageId: result.messageId };
}
