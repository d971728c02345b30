import { and, desc, eq, getTableColumns, isNull, or, sql } from 'drizzle-orm';
import { inboxes } from '../../db/schema/inboxes.ts';
import { optOuts } from '../../db/schema/contacts.ts';
import { conversations, messages, type MessageContent } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { DomainContext, Tx } from '../context.ts';
import { contactFor } from '../contacts/book.ts';
import { contactForWhatsApp } from '../contacts/whatsapp.ts';
import { addEvent } from '../conversations/actions.ts';
import { answerByText } from '../surveys/answers.ts';
import { announceWelcome, welcomeConversation } from '../assignment/new-conversation.ts';
import { continuedBy } from '../conversations/continued.ts';
import { wakeInside } from '../later/snooze.ts';
import { attachFiles, type CheckedUpload } from '../media/attachments.ts';
import { dropUnreferenced, type MediaStore } from '../media/store.ts';
import { optOutAddress } from './address.ts';
import { messageByChannelId } from './channel-ids.ts';
import { keywordOf } from './keywords.ts';
import { announceOptOut, noteOptOut, type CampaignTouched, type MessageStopped } from '../campaigns/opt-outs.ts';
import { noteReply } from '../campaigns/replies.ts';

/** What a customer's text did to campaigns (a reply counted, an opt-out), announced after the commit. */
interface CampaignChanges {
  campaigns: CampaignTouched[];
  messages: MessageStopped[];
}
import { prepared } from '../prepared.ts';
import { insertOutbound } from './outbox.ts';
import type { KeywordTexts } from './texts.ts';

/** A customer's message of any kind (SMS, MMS, WhatsApp), as the sink hands it over. */
export interface InboundMessage {
  /** E.164 of the customer; null for a WhatsApp user known only by `senderId`. */
  from: string | null;
  /** E.164 of our number. */
  to: string;
  text: string;
  /** The channel's own id of the message (WhatsApp's wamid): the same id twice is stored once. */
  channelMessageId?: string;
  /** WhatsApp's business-scoped user id of the sender. */
  senderId?: string;
  /** The sender's WhatsApp profile name: the name of a contact made for them. */
  profileName?: string;
  /** The channel id of the message this one quotes. */
  replyTo?: string;
  location?: MessageContent['location'];
  contacts?: MessageContent['contacts'];
}

/** Files that came with it, checked (a voice note is marked on its upload). */
export interface InboundMedia {
  store: MediaStore;
  files: CheckedUpload[];
}

export type InboundResult =
  | { stored: true; conversationId: number; messageId: number; autoReplyId: number | null; duplicate: boolean }
  /** `no-sender`: neither a number nor (WhatsApp) a user id to answer to; an SMS needs a number. */
  | { stored: false; reason: 'unknown-number' | 'no-sender' };

/** Who wrote: `phone` '' when only the WhatsApp id is known. */
interface Sender {
  phone: string;
  whatsappId: string | null;
  profileName: string | null;
}

/**
 * The sender's latest conversation on this number (wherever it was moved), reopened if closed; else a new
 * one in the number's inbox. Returns whether the conversation is spam: then nobody is to be notified; and
 * whether it is new: only a new one goes to the round-robin and is announced as a new conversation.
 */
function conversationFor(
  ctx: DomainContext,
  tx: Tx,
  number: { id: number; inboxId: number; owner: number | null },
  sender: Sender,
  now: number,
  events: number[],
): { id: number; inboxId: number; spam: boolean; created: boolean; woken: boolean } {
  const { phone, whatsappId } = sender;
  const contactOf = () =>
    whatsappId === null
      ? contactFor(tx, { id: number.inboxId, owner: number.owner }, phone)
      : contactForWhatsApp(
          tx,
          { id: number.inboxId, owner: number.owner },
          { phone: phone === '' ? null : phone, whatsappId },
          sender.profileName,
        );
  const latest =
    whatsappId === null ? latestByPhone(ctx, number, phone) : latestByWhatsApp(tx, number, { ...sender, whatsappId });
  // A WhatsApp sender's contact is looked at every time: a number may have appeared for a known id.
  if (latest && whatsappId !== null) contactOf();
  if (!latest) {
    // Found or made in the inbox's own book: the owner's for a personal number, the team's for a shared one.
    const contactId = contactOf();
    const id = tx
      .insert(conversations)
      .values({
        inboxId: number.inboxId,
        numberId: number.id,
        contactId,
        phone,
        whatsappId,
        status: 'open',
        lastMessageAt: now,
        lastInboundAt: now,
        waitingSince: now,
        createdAt: now,
      })
      .returning({ id: conversations.id })
      .get().id;
    return { id, inboxId: number.inboxId, spam: false, created: true, woken: false };
  }
  return continueConversation(ctx, tx, latest, now, events);
}

interface Latest {
  id: number;
  inboxId: number;
  status: 'open' | 'closed' | 'spam' | 'snoozed';
  lastInboundAt: number | null;
  assigneeId: number | null;
}

/** What both lookups of the latest conversation read (Latest's fields). */
const latestColumns = {
  id: conversations.id,
  inboxId: conversations.inboxId,
  status: conversations.status,
  lastInboundAt: conversations.lastInboundAt,
  assigneeId: conversations.assigneeId,
};

function latestByPhone(ctx: DomainContext, number: { id: number; inboxId: number }, phone: string): Latest | undefined {
  return prepared(ctx, 'inbound latest conversation', () =>
    ctx.db
      .select(latestColumns)
      .from(conversations)
      .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
      .where(
        continuedBy({ id: sql.placeholder('number'), inboxId: sql.placeholder('inbox') }, sql.placeholder('phone')),
      )
      .orderBy(desc(conversations.id))
      .limit(1)
      .prepare(),
  ).get({ number: number.id, inbox: number.inboxId, phone });
}

/**
 * A WhatsApp sender's latest conversation, by their user id or their number; it learns whichever of the two it
 * lacked, so that replies reach the number once there is one.
 */
function latestByWhatsApp(
  tx: Tx,
  number: { id: number; inboxId: number },
  sender: Sender & { whatsappId: string },
): Latest | undefined {
  const address =
    sender.phone === ''
      ? eq(conversations.whatsappId, sender.whatsappId)
      : or(eq(conversations.whatsappId, sender.whatsappId), eq(conversations.phone, sender.phone));
  const latest = tx
    .select({
      ...latestColumns,
      phone: conversations.phone,
      whatsappId: conversations.whatsappId,
    })
    .from(conversations)
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(
      and(
        eq(conversations.numberId, number.id),
        address,
        or(eq(conversations.inboxId, number.inboxId), isNull(inboxes.ownerUserId)),
      ),
    )
    .orderBy(desc(conversations.id))
    .limit(1)
    .get();
  if (!latest) return undefined;
  if (latest.whatsappId !== sender.whatsappId || (latest.phone === '' && sender.phone !== ''))
    tx.update(conversations)
      .set({ whatsappId: sender.whatsappId, ...(latest.phone === '' ? { phone: sender.phone } : {}) })
      .where(eq(conversations.id, latest.id))
      .run();
  return latest;
}

/** The customer wrote again: a closed conversation reopens, a snoozed one wakes, the wait starts if none did. */
function continueConversation(
  ctx: DomainContext,
  tx: Tx,
  latest: Latest,
  now: number,
  events: number[],
): { id: number; inboxId: number; spam: boolean; created: boolean; woken: boolean } {
  // A spam conversation stays spam: later messages from that sender must not come back to the inbox.
  if (latest.status === 'closed') {
    events.push(addEvent(tx, latest.id, 'reopened', null, now));
    tx.update(conversations)
      .set({ status: 'open', version: sql`${conversations.version} + 1` })
      .where(eq(conversations.id, latest.id))
      .run();
  }
  // A snoozed conversation comes back at the customer's next text, open and unread.
  const woken = latest.status === 'snoozed' ? wakeInside(tx, latest.id, now, 'text') : null;
  if (woken !== null) events.push(woken);
  prepared(ctx, 'inbound conversation touched', () =>
    ctx.db
      .update(conversations)
      .set({
        lastMessageAt: sql`${sql.placeholder('now')}`,
        lastInboundAt: sql`${sql.placeholder('now')}`,
        waitingSince: sql`coalesce(${conversations.waitingSince}, ${sql.placeholder('now')})`,
      })
      .where(eq(conversations.id, sql.placeholder('id')))
      .prepare(),
  ).run({ now, id: latest.id });
  return {
    id: latest.id,
    inboxId: latest.inboxId,
    spam: latest.status === 'spam',
    // The customer's first word in a conversation we began and nobody took (a campaign's): it is welcomed as a new
    // one, so the inbox's assignment rules place it.
    created: latest.lastInboundAt === null && latest.assigneeId === null && latest.status !== 'spam',
    woken: woken !== null,
  };
}

/** STOP/START/HELP: record the change on the timeline and answer once (the one text carriers allow after a STOP). */
function answerKeyword(
  tx: Tx,
  text: string,
  address: string,
  number: { id: number; registration: string },
  conversationId: number,
  texts: KeywordTexts,
  now: number,
  events: number[],
  campaigns: CampaignChanges,
): number | null {
  const keyword = keywordOf(text);
  if (!keyword) {
    campaigns.campaigns.push(...noteReply(tx, conversationId, now, events));
    return null;
  }
  if (keyword === 'stop') {
    tx.insert(optOuts)
      .values({ phone: address, numberId: number.id, source: 'keyword', at: now })
      .onConflictDoNothing()
      .run();
    events.push(addEvent(tx, conversationId, 'opted_out', null, now));
    const stopped = noteOptOut(tx, number.id, address, now);
    campaigns.campaigns.push(...stopped.campaigns);
    campaigns.messages.push(...stopped.messages);
  } else {
    // START and HELP are answers to the campaign too.
    campaigns.campaigns.push(...noteReply(tx, conversationId, now, events));
    if (keyword === 'start') {
      tx.delete(optOuts)
        .where(and(eq(optOuts.phone, address), eq(optOuts.numberId, number.id)))
        .run();
      events.push(addEvent(tx, conversationId, 'opted_in', null, now));
    }
  }
  // An unregistered number's answer would be blocked by the carrier anyway.
  if (number.registration === 'pending' || number.registration === 'unregistered') return null;
  return insertOutbound(tx, conversationId, texts[keyword], null, now);
}

/**
 * Stores a customer's message of any kind in one transaction: contact, conversation (joined, reopened or new),
 * message, and the keyword handling with its automatic answer. A channel id seen before returns the message
 * stored then, and nothing is announced again.
 */
export function receiveMessage(
  ctx: DomainContext,
  message: InboundMessage,
  textsFor: (e164: string) => KeywordTexts,
  media?: InboundMedia,
): InboundResult {
  const now = ctx.now();
  const adopted: string[] = [];
  let stored;
  try {
    stored = storeInbound(ctx, message, textsFor, media, now, adopted);
  } catch (err) {
    if (media) dropUnreferenced(ctx, media.store, adopted);
    throw err;
  }
  if (stored.outcome === 'refused') return { stored: false, reason: stored.reason };
  if (stored.outcome === 'duplicate') return { stored: true, ...stored.seen, autoReplyId: null, duplicate: true };
  const { inboxId, eventIds, welcomed, woken, campaigns, outcome: _stored, ...ids } = stored;
  if (woken) ctx.events.emit('conversation.changed', { conversationId: ids.conversationId, inboxId });
  for (const eventId of eventIds)
    ctx.events.emit('conversation.event', { conversationId: ids.conversationId, eventId, inboxId });
  ctx.events.emit('message.created', {
    conversationId: ids.conversationId,
    messageId: ids.messageId,
    inboxId,
    direction: 'in',
  });
  if (ids.autoReplyId !== null) {
    ctx.events.emit('message.created', {
      conversationId: ids.conversationId,
      messageId: ids.autoReplyId,
      inboxId,
      direction: 'out',
    });
  }
  announceWelcome(ctx, ids.conversationId, inboxId, welcomed);
  announceOptOut(ctx, campaigns);
  return { stored: true, ...ids, duplicate: false };
}

function storeInbound(
  ctx: DomainContext,
  sms: InboundMessage,
  textsFor: (e164: string) => KeywordTexts,
  media: InboundMedia | undefined,
  now: number,
  adopted: string[],
) {
  return ctx.db.transaction((tx) => {
    const number = prepared(ctx, 'inbound number', () =>
      ctx.db
        .select({ ...getTableColumns(numbers), owner: inboxes.ownerUserId })
        .from(numbers)
        .innerJoin(inboxes, eq(inboxes.id, numbers.inboxId))
        // A retired number's texts are not taken, as if it had never been configured.
        .where(and(eq(numbers.e164, sql.placeholder('to')), isNull(numbers.retiredAt)))
        .prepare(),
    ).get({ to: sms.to });
    if (!number) return { outcome: 'refused' as const, reason: 'unknown-number' as const };
    // An SMS is answered to its number; a WhatsApp message at least to its sender's user id.
    const whatsappId = number.kind === 'whatsapp' ? (sms.senderId ?? null) : null;
    if (sms.from === null && whatsappId === null) return { outcome: 'refused' as const, reason: 'no-sender' as const };
    if (sms.channelMessageId !== undefined) {
      const seen = tx.get<{ messageId: number; conversationId: number } | undefined>(
        sql`SELECT m.id AS messageId, m.conversation_id AS conversationId FROM messages m
            JOIN conversations c ON c.id = m.conversation_id
            WHERE m.channel_message_id = ${sms.channelMessageId} AND c.number_id = ${number.id}`,
      );
      if (seen) return { outcome: 'duplicate' as const, seen };
    }
    const sender: Sender = { phone: sms.from ?? '', whatsappId, profileName: sms.profileName ?? null };
    const eventIds: number[] = [];
    // The conversation's own inbox, not the number's: it may have been moved, and only that inbox's people may hear of it.
    const {
      id: conversationId,
      inboxId,
      spam,
      created,
      woken,
    } = conversationFor(ctx, tx, number, sender, now, eventIds);
    const message = prepared(ctx, 'inbound message', () =>
      ctx.db
        .insert(messages)
        .values({
          conversationId: sql.placeholder('conversation'),
          direction: 'in',
          body: sql.placeholder('body'),
          status: 'received',
          createdAt: sql.placeholder('now'),
          updatedAt: sql.placeholder('now'),
        })
        .returning({ id: messages.id })
        .prepare(),
    ).get({ conversation: conversationId, body: sms.text, now });
    const messageId = message.id;
    if (number.kind === 'whatsapp') whatsAppDetails(tx, number, messageId, sms);
    if (media) attachFiles(tx, media.store, messageId, media.files, adopted);
    const campaigns: CampaignChanges = { campaigns: [], messages: [] };
    const surveyAnswered = answerByText(ctx, tx, conversationId, sms.text, now);
    if (surveyAnswered !== null) eventIds.push(surveyAnswered);
    const autoReplyId = answerKeyword(
      tx,
      sms.text,
      optOutAddress(sender),
      number,
      conversationId,
      textsFor(sms.to),
      now,
      eventIds,
      campaigns,
    );
    const welcomed = created ? welcomeConversation(ctx, tx, inboxId, conversationId, messageId, sms.text, now) : null;
    if (welcomed?.assigned) eventIds.push(welcomed.assigned.eventId);
    return {
      outcome: 'stored' as const,
      conversationId,
      messageId,
      autoReplyId,
      inboxId,
      eventIds,
      spam,
      welcomed,
      woken,
      campaigns,
    };
  });
}

/** What WhatsApp adds to a message: its id (for dedupe, replies and reactions), the quoted message, shared places and cards. */
function whatsAppDetails(
  tx: Tx,
  number: { id: number; channel: string },
  messageId: number,
  message: InboundMessage,
): void {
  const content: MessageContent = {
    ...(message.location ? { location: message.location } : {}),
    ...(message.contacts?.length ? { contacts: message.contacts } : {}),
  };
  const replyToId = message.replyTo === undefined ? null : messageByChannelId(tx, number, message.replyTo);
  tx.update(messages)
    .set({
      channelMessageId: message.channelMessageId ?? null,
      replyToId,
      content: Object.keys(content).length > 0 ? content : null,
    })
    .where(eq(messages.id, messageId))
    .run();
}
