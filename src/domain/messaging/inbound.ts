import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { inboxes } from '../../db/schema/inboxes.ts';
import { optOuts } from '../../db/schema/contacts.ts';
import { conversations, messages } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import type { DomainContext, Tx } from '../context.ts';
import { contactFor } from '../contacts/book.ts';
import { addEvent } from '../conversations/actions.ts';
import { answerByText } from '../surveys/answers.ts';
import { announceWelcome, welcomeConversation } from '../assignment/new-conversation.ts';
import { continuedBy } from '../conversations/continued.ts';
import { wakeInside } from '../later/snooze.ts';
import { attachFiles, type CheckedUpload } from '../media/attachments.ts';
import { dropUnreferenced, type MediaStore } from '../media/store.ts';
import { keywordOf } from './keywords.ts';
import { prepared } from '../prepared.ts';
import { insertOutbound } from './outbox.ts';
import type { KeywordTexts } from './texts.ts';

export interface InboundSms {
  from: string;
  to: string;
  text: string;
}

export type InboundResult =
  | { stored: true; conversationId: number; messageId: number; autoReplyId: number | null }
  | { stored: false; reason: 'unknown-number' };

/**
 * The sender's latest conversation on this number (wherever it was moved), reopened if closed; else a new
 * one in the number's inbox. Returns whether the conversation is spam: then nobody is to be notified; and
 * whether it is new: only a new one goes to the round-robin and is announced as a new conversation.
 */
function conversationFor(
  ctx: DomainContext,
  tx: Tx,
  number: { id: number; inboxId: number; owner: number | null },
  phone: string,
  now: number,
  events: number[],
): { id: number; inboxId: number; spam: boolean; created: boolean; woken: boolean } {
  const latest = prepared(ctx, 'inbound latest conversation', () =>
    ctx.db
      .select({
        id: conversations.id,
        inboxId: conversations.inboxId,
        status: conversations.status,
        waitingSince: conversations.waitingSince,
      })
      .from(conversations)
      .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
      .where(
        continuedBy({ id: sql.placeholder('number'), inboxId: sql.placeholder('inbox') }, sql.placeholder('phone')),
      )
      .orderBy(desc(conversations.id))
      .limit(1)
      .prepare(),
  ).get({ number: number.id, inbox: number.inboxId, phone });
  if (!latest) {
    // Found or made in the inbox's own book: the owner's for a personal number, the team's for a shared one.
    const contactId = contactFor(tx, { id: number.inboxId, owner: number.owner }, phone);
    const id = tx
      .insert(conversations)
      .values({
        inboxId: number.inboxId,
        numberId: number.id,
        contactId,
        phone,
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
    created: false,
    woken: woken !== null,
  };
}

/** STOP/START/HELP: record the change on the timeline and answer once (the one text carriers allow after a STOP). */
function answerKeyword(
  tx: Tx,
  sms: InboundSms,
  number: { id: number; registration: string },
  conversationId: number,
  texts: KeywordTexts,
  now: number,
  events: number[],
): number | null {
  const keyword = keywordOf(sms.text);
  if (!keyword) return null;
  if (keyword === 'stop') {
    tx.insert(optOuts)
      .values({ phone: sms.from, numberId: number.id, source: 'keyword', at: now })
      .onConflictDoNothing()
      .run();
    events.push(addEvent(tx, conversationId, 'opted_out', null, now));
  } else if (keyword === 'start') {
    tx.delete(optOuts)
      .where(and(eq(optOuts.phone, sms.from), eq(optOuts.numberId, number.id)))
      .run();
    events.push(addEvent(tx, conversationId, 'opted_in', null, now));
  }
  // An unregistered number's answer would be blocked by the carrier anyway.
  if (number.registration === 'pending' || number.registration === 'unregistered') return null;
  return insertOutbound(tx, conversationId, texts[keyword], null, now);
}

/**
 * Stores a customer's text in one transaction: contact, conversation (joined, reopened or new), message,
 * and the keyword handling with its automatic answer.
 */
export function receiveSms(
  ctx: DomainContext,
  sms: InboundSms,
  textsFor: (e164: string) => KeywordTexts,
  media?: { store: MediaStore; files: CheckedUpload[] },
): InboundResult {
  const now = ctx.now();
  const adopted: string[] = [];
  let stored;
  try {
    stored = storeInbound(ctx, sms, textsFor, media, now, adopted);
  } catch (err) {
    if (media) dropUnreferenced(ctx, media.store, adopted);
    throw err;
  }
  if (!stored) return { stored: false, reason: 'unknown-number' };
  const { inboxId, eventIds, welcomed, woken, ...ids } = stored;
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
  return { stored: true, ...ids };
}

function storeInbound(
  ctx: DomainContext,
  sms: InboundSms,
  textsFor: (e164: string) => KeywordTexts,
  media: { store: MediaStore; files: CheckedUpload[] } | undefined,
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
    if (!number) return null;
    const eventIds: number[] = [];
    // The conversation's own inbox, not the number's: it may have been moved, and only that inbox's people may hear of it.
    const {
      id: conversationId,
      inboxId,
      spam,
      created,
      woken,
    } = conversationFor(ctx, tx, number, sms.from, now, eventIds);
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
    if (media) attachFiles(tx, media.store, messageId, media.files, adopted);
    const surveyAnswered = answerByText(ctx, tx, conversationId, sms.text, now);
    if (surveyAnswered !== null) eventIds.push(surveyAnswered);
    const autoReplyId = answerKeyword(tx, sms, number, conversationId, textsFor(sms.to), now, eventIds);
    const welcomed = created ? welcomeConversation(ctx, tx, inboxId, conversationId, messageId, sms.text, now) : null;
    if (welcomed?.assigned) eventIds.push(welcomed.assigned.eventId);
    return { conversationId, messageId, autoReplyId, inboxId, eventIds, spam, welcomed, woken };
  });
}
