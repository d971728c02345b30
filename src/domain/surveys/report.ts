import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { conversations } from '../../db/schema/conversations.ts';
import { inboxes } from '../../db/schema/inboxes.ts';
import { surveyAnswers, surveySends } from '../../db/schema/surveys.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { csvLine } from '../csv.ts';
import { forbidden } from '../errors.ts';
import { inboxVisibleTo } from '../inboxes/access.ts';
import { getSurvey, type Question, type Survey } from './definitions.ts';
import { SCALES } from './answers.ts';

export interface Range {
  from?: number;
  to?: number;
}

export interface QuestionReport {
  question: Question;
  answers: number;
  /** Ratings and scores. */
  average: number | null;
  /** 0–10 scores: % promoters (9–10) minus % detractors (0–6). */
  nps: number | null;
  /** Every value of the scale, or every choice, with its count (zeros included, for the chart). */
  distribution: { label: string; count: number }[];
  texts: { text: string; at: number }[];
}

export interface SurveyReport {
  survey: Survey;
  sent: number;
  answered: number;
  /** Answered / sent, 0–1; null when nothing was sent. */
  rate: number | null;
  questions: QuestionReport[];
}

/** The sends a manager may count: in the range, from conversations of inboxes they see. */
function sendsOf(ctx: DomainContext, actor: Actor, surveyId: number, range: Range) {
  if (!isManager(actor)) throw forbidden();
  return ctx.db
    .select({
      id: surveySends.id,
      sentAt: surveySends.sentAt,
      answeredAt: surveySends.answeredAt,
      conversationId: surveySends.conversationId,
      inbox: inboxes.name,
      owner: inboxes.ownerUserId,
    })
    .from(surveySends)
    .innerJoin(conversations, eq(conversations.id, surveySends.conversationId))
    .innerJoin(inboxes, eq(inboxes.id, conversations.inboxId))
    .where(
      and(
        eq(surveySends.surveyId, surveyId),
        inboxVisibleTo(actor),
        range.from === undefined ? undefined : gte(surveySends.sentAt, range.from),
        range.to === undefined ? undefined : lt(surveySends.sentAt, range.to),
      ),
    )
    .orderBy(asc(surveySends.sentAt))
    .all();
}

function answersOf(ctx: DomainContext, sendIds: number[]) {
  return sendIds.length === 0
    ? []
    : ctx.db.select().from(surveyAnswers).where(inArray(surveyAnswers.sendId, sendIds)).all();
}

export function surveyReport(ctx: DomainContext, actor: Actor, surveyId: number, range: Range = {}): SurveyReport {
  const survey = getSurvey(ctx, surveyId);
  const sends = sendsOf(ctx, actor, surveyId, range);
  const answeredAt = new Map(sends.map((s) => [s.id, s.answeredAt ?? 0]));
  const answers = answersOf(
    ctx,
    sends.map((s) => s.id),
  );
  const answered = sends.filter((s) => s.answeredAt !== null).length;
  return {
    survey,
    sent: sends.length,
    answered,
    rate: sends.length ? answered / sends.length : null,
    questions: survey.questions.map((question) => {
      const mine = answers.filter((a) => a.questionId === question.id);
      const numbers = mine.map((a) => a.number).filter((n): n is number => n !== null);
      const scale = SCALES[question.kind];
      const labels = scale
        ? Array.from({ length: scale.max - scale.min + 1 }, (_, i) => String(scale.min + i))
        : question.options;
      const offset = scale?.min ?? 0;
      return {
        question,
        answers: mine.length,
        average: scale && numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null,
        nps:
          question.kind === 'nps' && numbers.length
            ? Math.round(
                ((numbers.filter((n) => n >= 9).length - numbers.filter((n) => n <= 6).length) / numbers.length) * 100,
              )
            : null,
        distribution:
          question.kind === 'text'
            ? []
            : labels.map((label, i) => ({ label, count: numbers.filter((n) => n - offset === i).length })),
        texts: mine
          .filter((a) => a.text !== null)
          .map((a) => ({ text: a.text!, at: answeredAt.get(a.sendId) ?? 0 }))
          .sort((a, b) => b.at - a.at)
          .slice(0, 50),
      };
    }),
  };
}

/** One row per answer given (and one per unanswered send), for a spreadsheet. */
export function surveyCsv(ctx: DomainContext, actor: Actor, surveyId: number, range: Range = {}): string {
  const survey = getSurvey(ctx, surveyId);
  const sends = sendsOf(ctx, actor, surveyId, range);
  const answers = answersOf(
    ctx,
    sends.map((s) => s.id),
  );
  const rows: (string | number | null)[][] = [
    ['sent_at', 'answered_at', 'conversation', 'inbox', 'question', 'answer'],
  ];
  for (const send of sends) {
    const inbox = send.owner !== null ? '' : send.inbox;
    const mine = answers.filter((a) => a.sendId === send.id);
    const base = [
      new Date(send.sentAt).toISOString(),
      send.answeredAt === null ? null : new Date(send.answeredAt).toISOString(),
      send.conversationId,
      inbox,
    ];
    if (mine.length === 0) rows.push([...base, null, null]);
    for (const a of mine) {
      const q = survey.questions.find((x) => x.id === a.questionId)!;
      rows.push([...base, q.prompt, q.kind === 'choice' ? (q.options[a.number!] ?? null) : (a.number ?? a.text)]);
    }
  }
  return rows.map(csvLine).join('');
}
