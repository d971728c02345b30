import { and, asc, desc, eq, inArray, notInArray } from 'drizzle-orm';
import { conversations, messageReactions, messages } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { recentEmoji, users } from '../../db/schema/users.ts';
import type { Actor, DomainContext, Tx } from '../context.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import { stateFor } from '../conversations/actions.ts';
import { capabilitiesOf } from '../messaging/capabilities.ts';
import { assertMayText } from '../messaging/outbox.ts';
import { knownEmoji } from './catalog.ts';

export interface Reaction {
  emoji: string;
  /** Who reacted, in the order they did. */
  names: string[];
  userIds: number[];
}

const RECENT = 16;

/** Remembers an emoji the user picked, for the top of their picker; only the latest few are kept. */
export function rememberEmoji(ctx: DomainContext, actor: Actor, raw: unknown): void {
  const emoji = knownEmoji(raw);
  if (!emoji) throw invalid('emoji.unknown');
  ctx.db.transaction((tx) => {
    tx.insert(recentEmoji)
      .values({ userId: actor.id, emoji, usedAt: ctx.now() })
      .onConflictDoUpdate({ target: [recentEmoji.userId, recentEmoji.emoji], set: { usedAt: ctx.now() } })
      .run();
    const keep = tx
      .select({ emoji: recentEmoji.emoji })
      .from(recentEmoji)
      .where(eq(recentEmoji.userId, actor.id))
      .orderBy(desc(recentEmoji.usedAt))
      .limit(RECENT);
    tx.delete(recentEmoji)
      .where(and(eq(recentEmoji.userId, actor.id), notInArray(recentEmoji.emoji, keep)))
      .run();
  });
}

export function recentEmojiOf({ db }: DomainContext, actor: Actor): string[] {
  return db
    .select({ emoji: recentEmoji.emoji })
    .from(recentEmoji)
    .where(eq(recentEmoji.userId, actor.id))
    .orderBy(desc(recentEmoji.usedAt))
    .limit(RECENT)
    .all()
    .map((r) => r.emoji);
}

/**
 * Adds the actor's reaction to a message of a conversation they may see, or takes it back if they had
 * given it. Over SMS reactions stay inside the team. On a kind with reactions (WhatsApp), one to a customer
 * message is also queued for the customer (taking it back sends ''), when the send gate lets text through;
 * otherwise it stays inside the team too.
 */
export function toggleReaction(
  ctx: DomainContext,
  actor: Actor,
  messageId: number,
  raw: unknown,
): { added: boolean; conversationId: number } {
  const emoji = knownEmoji(raw);
  if (!emoji) throw invalid('emoji.unknown');
  const done = ctx.db.transaction((tx) => {
    const message = tx
      .select({
        conversationId: messages.conversationId,
        direction: messages.direction,
        channelMessageId: messages.channelMessageId,
        numberId: conversations.numberId,
        phone: conversations.phone,
        kind: numbers.kind,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(numbers, eq(numbers.id, conversations.numberId))
      .where(eq(messages.id, messageId))
      .get();
    if (!message) throw notFound();
    const state = stateFor(tx, actor, message.conversationId);
    const mine = and(
      eq(messageReactions.messageId, messageId),
      eq(messageReactions.userId, actor.id),
      eq(messageReactions.emoji, emoji),
    );
    const removed = tx.delete(messageReactions).where(mine).run().changes > 0;
    if (!removed)
      tx.insert(messageReactions).values({ messageId, userId: actor.id, emoji, createdAt: ctx.now() }).run();
    if (message.direction === 'in' && message.channelMessageId !== null && capabilitiesOf(message.kind).reactions) {
      let mayText = true;
      try {
        assertMayText(tx, message.numberId, message.phone, {
          conversationId: message.conversationId,
          now: ctx.now(),
        });
      } catch (err) {
        // Opted out, outside the window: the reaction stays inside the team.
        if (!(err instanceof DomainError)) throw err;
        mayText = false;
      }
      if (mayText) queueReaction(tx, messageId, message.conversationId, actor.id, removed ? '' : emoji, ctx.now());
    }
    return { added: !removed, conversationId: message.conversationId, inboxId: state.inboxId };
  });
  if (done.added) rememberEmoji(ctx, actor, emoji);
  ctx.events.emit('message.updated', { conversationId: done.conversationId, messageId, inboxId: done.inboxId });
  return { added: done.added, conversationId: done.conversationId };
}

/**
 * Our reaction, for the outbox to send (WhatsApp shows one per sender: the latest replaces it). A row of
 * `messages` marked by `reaction_to_id`: the outbox sends it, the timeline never shows it. No `message.created`
 * (that would draw a bubble): the outbox finds it at its next poll.
 */
function queueReaction(
  tx: Tx,
  messageId: number,
  conversationId: number,
  userId: number,
  emoji: string,
  now: number,
): void {
  tx.insert(messages)
    .values({
      conversationId,
      direction: 'out',
      authorUserId: userId,
      body: emoji,
      status: 'queued',
      nextAttemptAt: now,
      reactionToId: messageId,
      createdAt: now,
      updatedAt: now,
    })
    .run();
}

/** The reactions on these messages, grouped by emoji in the order each was first given. */
export function reactionsOf({ db }: DomainContext, messageIds: number[]): Map<number, Reaction[]> {
  if (messageIds.length === 0) return new Map();
  const rows = db
    .select({
      messageId: messageReactions.messageId,
      emoji: messageReactions.emoji,
      userId: users.id,
      name: users.name,
    })
    .from(messageReactions)
    .innerJoin(users, eq(users.id, messageReactions.userId))
    .where(inArray(messageReactions.messageId, messageIds))
    .orderBy(asc(messageReactions.createdAt), asc(users.name))
    .all();
  return groupReactions(rows);
}

/** Reaction rows (in the order given) grouped per message and emoji, with who gave each. */
export function groupReactions(
  rows: { messageId: number; emoji: string; userId: number; name: string }[],
): Map<number, Reaction[]> {
  const byMessage = new Map<number, Reaction[]>();
  for (const row of rows) {
    let list = byMessage.get(row.messageId);
    if (!list) byMessage.set(row.messageId, (list = []));
    let reaction = list.find((r) => r.emoji === row.emoji);
    if (!reaction) list.push((reaction = { emoji: row.emoji, names: [], userIds: [] }));
    reaction.names.push(row.name);
    reaction.userIds.push(row.userId);
  }
  return byMessage;
}
