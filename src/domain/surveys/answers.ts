import { eq } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { surveyAnswers, surveySends } from '../../db/schema/surveys.ts';
import type { DomainContext } from '../context.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { addEvent, type Tx } from '../conversations/actions.ts';
import { getSurvey, type Question, type Survey } from './definitions.ts';
import { openSendOf } from './sending.ts';

export const SCALES: Partial<Record<Question['kind'], { min: number; max: number }>> = {
  rating: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
};

export interface PublicSurvey {
  survey: Survey;
  state: 'open' | 'answered' | 'expired';
}

function sendByToken(db: Pick<DomainContext['db'], 'select'>, token: string) {
  if (!/^[\w-]{20,40}$/.test(token)) return undefined;
  return db.select().from(surveySends).where(eq(surveySends.token, token)).get();
}

/** The survey behind a link, for its public page (no sign-in: the token is the key). */
export function surveyForToken(ctx: DomainContext, token: string): PublicSurvey {
  const send = sendByToken(ctx.db, token);
  if (!send) throw notFound();
  const state = send.answeredAt !== null ? 'answered' : send.expiresAt <= ctx.now() ? 'expired' : 'open';
  return { survey: getSurvey(ctx, send.surveyId), state };
}

type Answer = { questionId: number; number: number | null; text: string | null };

function summaryOf(survey: Survey, answers: Answer[]): string {
  return answers
    .map((a) => {
      const q = survey.questions.find((x) => x.id === a.questionId)!;
      if (q.kind === 'rating') return `${a.number}/5`;
      if (q.kind === 'nps') return `${a.number}/10`;
      if (q.kind === 'choice') return q.options[a.number!] ?? '';
      return `“${(a.text ?? '').slice(0, 80)}”`;
    })
    .join(' · ');
}

function record(
  tx: Tx,
  send: { id: number; conversationId: number },
  survey: Survey,
  answers: Answer[],
  now: number,
): number {
  for (const a of answers)
    tx.insert(surveyAnswers)
      .values({ sendId: send.id, ...a })
      .run();
  tx.update(surveySends).set({ answeredAt: now }).where(eq(surveySends.id, send.id)).run();
  return addEvent(tx, send.conversationId, 'survey_answered', null, now, {
    survey: survey.title,
    summary: summaryOf(survey, answers),
  });
}

function parseAnswer(q: Question, raw: string | undefined): Answer | null {
  const value = (raw ?? '').trim();
  if (value === '') return null;
  const scale = SCALES[q.kind];
  if (scale) {
    const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!(n >= scale.min && n <= scale.max)) throw invalid('survey.answer_invalid', `q${q.id}`);
    return { questionId: q.id, number: n, text: null };
  }
  if (q.kind === 'choice') {
    const n = /^\d{1,2}$/.test(value) ? Number(value) : -1;
    if (n < 0 || n >= q.options.length) throw invalid('survey.answer_invalid', `q${q.id}`);
    return { questionId: q.id, number: n, text: null };
  }
  if (value.length > 1000) throw invalid('survey.text_long', `q${q.id}`, { max: 1000 });
  return { questionId: q.id, number: null, text: value };
}

/** The customer's answers from the public page: each checked, all stored at once, once only. */
export function answerSurvey(ctx: DomainContext, token: string, form: Record<string, string>): void {
  const now = ctx.now();
  const done = ctx.db.transaction((tx) => {
    const send = sendByToken(tx, token);
    if (!send) throw notFound();
    if (send.answeredAt !== null) throw conflict('survey.already_answered');
    if (send.expiresAt <= now) throw invalid('survey.expired');
    const survey = getSurvey(ctx, send.surveyId);
    const answers = survey.questions
      .map((q) => parseAnswer(q, form[`q${q.id}`]))
      .filter((a): a is Answer => a !== null);
    if (answers.length === 0) throw invalid('survey.nothing_answered');
    const eventId = record(tx, send, survey, answers, now);
    const { inboxId } = tx
      .select({ inboxId: conversations.inboxId })
      .from(conversations)
      .where(eq(conversations.id, send.conversationId))
      .get()!;
    return { eventId, inboxId, conversationId: send.conversationId };
  });
  ctx.events.emit('conversation.event', done);
}

/**
 * A texted answer to a one-question rating or score survey ("5"): recorded like an answer from the page.
 * Runs inside the inbound text's transaction; returns the timeline event, or null when the text is no answer.
 */
export function answerByText(
  ctx: DomainContext,
  tx: Tx,
  conversationId: number,
  text: string,
  now: number,
): number | null {
  const value = text.trim();
  if (!/^\d{1,2}$/.test(value)) return null;
  const send = openSendOf(tx, conversationId, now);
  if (!send) return null;
  const survey = getSurvey(ctx, send.surveyId);
  const [question, ...more] = survey.questions;
  const scale = question && SCALES[question.kind];
  if (!question || more.length > 0 || !scale) return null;
  const n = Number(value);
  if (n < scale.min || n > scale.max) return null;
  return record(tx, { id: send.id, conversationId }, survey, [{ questionId: question.id, number: n, text: null }], now);
}
