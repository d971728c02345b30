import { asc, desc, eq } from 'drizzle-orm';
import { questionKinds, surveyQuestions, surveys, type QuestionKind } from '../../db/schema/surveys.ts';
import { recordAudit } from '../audit/record.ts';
import { isManager, type Actor, type DomainContext } from '../context.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { cleanLine } from '../text.ts';

export interface Question {
  id: number;
  kind: QuestionKind;
  prompt: string;
  options: string[];
}

export interface Survey {
  id: number;
  title: string;
  invitation: string;
  archived: boolean;
  questions: Question[];
}

export interface QuestionInput {
  kind: unknown;
  prompt: unknown;
  /** Choices, one per line (multiple choice only). */
  options: unknown;
}

export const MAX_QUESTIONS = 5;

function cleanQuestions(raw: QuestionInput[]): { kind: QuestionKind; prompt: string; options: string[] | null }[] {
  const given = raw.filter((q) => typeof q.prompt === 'string' && q.prompt.trim() !== '');
  if (given.length === 0) throw invalid('survey.no_questions', 'q1_prompt');
  return given.map((q, i) => {
    const field = `q${raw.indexOf(q) + 1}_`;
    const kind = questionKinds.find((k) => k === q.kind);
    if (!kind) throw invalid('survey.kind_invalid', `${field}kind`);
    const prompt = cleanLine(q.prompt, 200, 'survey.prompt_invalid', `${field}prompt`);
    if (kind !== 'choice') return { kind, prompt, options: null };
    const options = (typeof q.options === 'string' ? q.options : '')
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean);
    if (options.length < 2 || options.length > 10 || options.some((o) => o.length > 80))
      throw invalid('survey.options_invalid', `${field}options`, { n: i + 1 });
    return { kind, prompt, options };
  });
}

export function createSurvey(
  ctx: DomainContext,
  actor: Actor,
  input: { title: unknown; invitation: unknown; questions: QuestionInput[] },
): Survey {
  if (!isManager(actor)) throw forbidden();
  const title = cleanLine(input.title, 80, 'survey.title_invalid', 'title');
  const invitation = typeof input.invitation === 'string' ? input.invitation.trim() : '';
  if (!invitation.includes('{link}') || invitation.length > 300)
    throw invalid('survey.invitation_invalid', 'invitation');
  const questions = cleanQuestions(input.questions.slice(0, MAX_QUESTIONS));
  const id = ctx.db.transaction((tx) => {
    const surveyId = tx
      .insert(surveys)
      .values({ title, invitation, createdBy: actor.id, createdAt: ctx.now() })
      .returning({ id: surveys.id })
      .get().id;
    questions.forEach((q, position) =>
      tx
        .insert(surveyQuestions)
        .values({ surveyId, position, ...q })
        .run(),
    );
    recordAudit(ctx, tx, actor, {
      action: 'survey.created',
      subject: { id: surveyId, name: title },
      changes: { title, invitation, questions: questions.map((q) => q.prompt) },
    });
    return surveyId;
  });
  return getSurvey(ctx, id);
}

export function getSurvey({ db }: DomainContext, surveyId: number): Survey {
  const survey = db.select().from(surveys).where(eq(surveys.id, surveyId)).get();
  if (!survey) throw notFound();
  const questions = db
    .select({
      id: surveyQuestions.id,
      kind: surveyQuestions.kind,
      prompt: surveyQuestions.prompt,
      options: surveyQuestions.options,
    })
    .from(surveyQuestions)
    .where(eq(surveyQuestions.surveyId, surveyId))
    .orderBy(asc(surveyQuestions.position))
    .all()
    .map((q) => ({ ...q, options: q.options ?? [] }));
  return { id: survey.id, title: survey.title, invitation: survey.invitation, archived: survey.archived, questions };
}

type SurveyListing = { id: number; title: string; archived: boolean };

function surveyListing({ db }: DomainContext, withArchived: boolean): SurveyListing[] {
  return db
    .select({ id: surveys.id, title: surveys.title, archived: surveys.archived })
    .from(surveys)
    .where(withArchived ? undefined : eq(surveys.archived, false))
    .orderBy(asc(surveys.archived), desc(surveys.createdAt))
    .all();
}

/** Surveys anyone may send (the archived ones are no longer offered). */
export const listSurveys = (ctx: DomainContext): SurveyListing[] => surveyListing(ctx, false);

/** Every survey, archived too, for the managers who keep them. */
export function surveysToManage(ctx: DomainContext, actor: Actor): SurveyListing[] {
  if (!isManager(actor)) throw forbidden();
  return surveyListing(ctx, true);
}

/** Archived surveys are no longer offered; their answers and report stay. */
export function setArchived(ctx: DomainContext, actor: Actor, surveyId: number, archived: boolean): void {
  if (!isManager(actor)) throw forbidden();
  ctx.db.transaction((tx) => {
    const before = getSurvey(ctx, surveyId);
    if (before.archived === archived) return;
    tx.update(surveys).set({ archived }).where(eq(surveys.id, surveyId)).run();
    recordAudit(ctx, tx, actor, {
      action: archived ? 'survey.archived' : 'survey.unarchived',
      subject: { id: surveyId, name: before.title },
      changes: { archived: { from: before.archived, to: archived } },
    });
  });
}
