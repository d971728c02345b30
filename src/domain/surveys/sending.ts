import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { numbers } from '../../db/schema/numbers.ts';
import { surveySends } from '../../db/schema/surveys.ts';
import type { Actor, DomainContext } from '../context.ts';
import { invalid } from '../errors.ts';
import { addEvent, stateFor } from '../conversations/actions.ts';
import { customerLinkBase, type CustomerLinks } from '../messaging/links.ts';
import { assertMayText, insertOutbound } from '../messaging/outbox.ts';
import { getSurvey } from './definitions.ts';

/** How long a survey link answers. */
export const SURVEY_LINK_DAYS = 14;

/**
 * Texts the customer a survey link (the same opt-out and registration gate as every send), records the
 * send on the timeline, and returns the link.
 */
export function sendSurvey(
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  surveyId: number,
  links: CustomerLinks,
): { url: string } {
  const survey = getSurvey(ctx, surveyId);
  if (survey.archived) throw invalid('survey.archived', 'survey');
  const token = randomBytes(18).toString('base64url');
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const state = stateFor(tx, actor, conversationId);
    if (state.status === 'spam') throw invalid('survey.spam', 'survey');
    const conversation = tx
      .select({ numberId: conversations.numberId, phone: conversations.phone, channel: numbers.channel })
      .from(conversations)
      .innerJoin(numbers, eq(numbers.id, conversations.numberId))
      .where(eq(conversations.id, conversationId))
      .get()!;
    assertMayText(tx, conversation.numberId, conversation.phone, { conversationId, now });
    const url = `${customerLinkBase(links, conversation.channel, 'survey')}/s/${token}`;
    tx.insert(surveySends)
      .values({
        surveyId,
        conversationId,
        token,
        sentBy: actor.id,
        sentAt: now,
        expiresAt: now + SURVEY_LINK_DAYS * 86_400_000,
      })
      .run();
    const messageId = insertOutbound(
      tx,
      conversationId,
      survey.invitation.replace('{link}', () => url),
      actor.id,
      now,
    );
    const eventId = addEvent(tx, conversationId, 'survey_sent', actor.id, now, { survey: survey.title });
    return { inboxId: state.inboxId, messageId, eventId, url };
  });
  ctx.events.emit('message.created', {
    conversationId,
    messageId: done.messageId,
    inboxId: done.inboxId,
    direction: 'out',
  });
  ctx.events.emit('conversation.event', { conversationId, eventId: done.eventId, inboxId: done.inboxId });
  return { url: done.url };
}

/** The conversation's newest survey still waiting for an answer, if any (for answers texted back). */
export function openSendOf(
  tx: Pick<DomainContext['db'], 'select'>,
  conversationId: number,
  now: number,
): { id: number; surveyId: number } | undefined {
  return tx
    .select({ id: surveySends.id, surveyId: surveySends.surveyId })
    .from(surveySends)
    .where(
      and(
        eq(surveySends.conversationId, conversationId),
        isNull(surveySends.answeredAt),
        gt(surveySends.expiresAt, now),
      ),
    )
    .orderBy(desc(surveySends.sentAt))
    .get();
}
