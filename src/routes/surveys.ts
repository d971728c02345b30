import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createSurvey,
  MAX_QUESTIONS,
  setArchived,
  surveysToManage,
  type QuestionInput,
} from '../domain/surveys/definitions.ts';
import { surveyCsv, surveyReport, type QuestionReport, type Range } from '../domain/surveys/report.ts';
import { sendSurvey } from '../domain/surveys/sending.ts';
import { DomainError } from '../domain/errors.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { formDraft, formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';
import { checkbox, form, idParams, text } from './schemas.ts';
import { day, dayQuery } from '../presenters/list-query.ts';
import { conversationComposer, conversationPage } from '../presenters/conversation.ts';
import { timeZoneOf } from '../presenters/viewer.ts';
import { customerLinks } from './customer-links.ts';

const BAR = 22;
const WIDTH = 240;

/** A question's distribution as bars of a server-drawn chart (label, count, where the bar goes). */
export function chartOf(q: QuestionReport) {
  const max = Math.max(1, ...q.distribution.map((d) => d.count));
  return {
    height: q.distribution.length * BAR,
    bars: q.distribution.map((d, i) => ({ ...d, y: i * BAR, width: Math.round((d.count / max) * WIDTH) })),
  };
}

/** `?from=&to=`: whole days, `to` included; a day that is no date is refused (400). */
const rangeQuery = z.object({ from: dayQuery, to: dayQuery });

/** The report's days in the viewer's time zone. */
function rangeOf(
  req: FastifyRequest,
  { from, to }: z.output<typeof rangeQuery>,
): { range: Range; from: string; to: string } {
  const zone = timeZoneOf(req.auth!.user, req.server.configStore.current);
  return {
    range: {
      ...(from !== undefined ? { from: day(from, 'from', zone) } : {}),
      ...(to !== undefined ? { to: day(to, 'to', zone, 1) } : {}),
    },
    from: from ?? '',
    to: to ?? '',
  };
}

/** The new survey's form: a title, the invitation, and up to MAX_QUESTIONS questions (`q1_kind`, `q1_prompt` …). */
const questionFields = Array.from({ length: MAX_QUESTIONS }, (_, i) =>
  ['kind', 'prompt', 'options'].map((part) => `q${i + 1}_${part}`),
).flat();
const surveyForm = form({
  title: text,
  invitation: text,
  ...(Object.fromEntries(questionFields.map((name) => [name, text])) as Record<string, typeof text>),
});

export default async function surveyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  const questionsOf = (fields: Record<string, string>): QuestionInput[] =>
    Array.from({ length: MAX_QUESTIONS }, (_, i) => ({
      kind: fields[`q${i + 1}_kind`] ?? '',
      prompt: fields[`q${i + 1}_prompt`] ?? '',
      options: fields[`q${i + 1}_options`] ?? '',
    }));

  const listPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FormErrors = {},
    draft: Record<string, string> = {},
  ) =>
    reply.page('pages/surveys', {
      surveys: surveysToManage(app.domain, actorOf(req)),
      slots: MAX_QUESTIONS,
      errors,
      draft,
    });

  app.get('/surveys', async (req, reply) => listPage(req, reply));

  app.post('/surveys', { schema: { body: surveyForm } }, async (req, reply) => {
    const { _csrf: _, title, invitation, ...questions } = req.body;
    try {
      const survey = createSurvey(app.domain, actorOf(req), { title, invitation, questions: questionsOf(questions) });
      return reply.redirect(`/surveys/${survey.id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return listPage(req, reply, refused.errors, formDraft(req.body));
    }
  });

  const archiveSchema = { params: idParams, body: form({ archived: checkbox }) };
  app.post('/surveys/:id/archive', { schema: archiveSchema }, async (req, reply) => {
    setArchived(app.domain, actorOf(req), req.params.id, req.body.archived);
    return reply.redirect('/surveys', 303);
  });

  const reportSchema = { params: idParams, querystring: rangeQuery };
  app.get('/surveys/:id', { schema: reportSchema }, async (req, reply) => {
    const { range, from, to } = rangeOf(req, req.query);
    const report = surveyReport(app.domain, actorOf(req), req.params.id, range);
    const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
    return reply.page('pages/survey-report', {
      report,
      charts: report.questions.map(chartOf),
      from,
      to,
      csvUrl: `/surveys/${report.survey.id}/report.csv${query ? `?${query}` : ''}`,
    });
  });

  app.get('/surveys/:id/report.csv', { schema: reportSchema }, async (req, reply) => {
    const { range } = rangeOf(req, req.query);
    const { id } = req.params;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="survey-${id}.csv"`)
      .send(surveyCsv(app.domain, actorOf(req), id, range));
  });

  // An agent sends a survey from the conversation: the link goes out as a text like any reply.
  const sendSchema = { params: idParams, body: form({ survey: text }) };
  app.post('/conversations/:id/survey', { schema: sendSchema }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const raw = req.body.survey;
    try {
      if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'survey.pick', {}, 'survey');
      sendSurvey(app.domain, actor, id, Number(raw), customerLinks(app, req));
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      return reply.fragment(
        'partials/composer',
        conversationComposer(app, actor, id, { surveyNotice: req.t('survey.sent') }),
      );
    } catch (err) {
      const refused = formErrorsOf(err, req, { place: () => 'survey' });
      if (!refused) throw err;
      reply.code(refused.status);
      const state = { errors: refused.errors };
      return isHtmx(req)
        ? reply.fragment('partials/composer', conversationComposer(app, actor, id, state))
        : reply.page('pages/conversation', conversationPage(app, actor, id, state));
    }
  });
}
