import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createSurvey,
  MAX_QUESTIONS,
  setArchived,
  surveysToManage,
  type QuestionInput,
} from '../domain/surveys/definitions.ts';
import { surveyCsv, surveyReport, type QuestionReport, type Range } from '../domain/surveys/report.ts';
import { sendSurvey } from '../domain/surveys/sending.ts';
import { dayStart } from '../domain/calendar.ts';
import { DomainError } from '../domain/errors.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { field, formDraft, formErrorsOf, ID_PATTERN, idParam, type FormErrors } from './forms.ts';
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

/** `?from=&to=` as whole days in the viewer's time zone, `to` included; a day that is no date is refused (400). */
function rangeOf(req: FastifyRequest): { range: Range; from: string; to: string } {
  const q = req.query as Record<string, unknown>;
  const zone = timeZoneOf(req.auth!.user, req.server.configStore.current);
  const day = (name: 'from' | 'to', plusDays: number) => {
    const raw = q[name];
    if (raw === undefined || raw === '') return { text: '', ms: undefined };
    const ms = typeof raw === 'string' ? dayStart(raw, zone, plusDays) : null;
    if (ms === null) throw new DomainError(400, 'list.bad_filter', { name });
    return { text: raw as string, ms };
  };
  const from = day('from', 0);
  const to = day('to', 1);
  return {
    range: { ...(from.ms !== undefined ? { from: from.ms } : {}), ...(to.ms !== undefined ? { to: to.ms } : {}) },
    from: from.text,
    to: to.text,
  };
}

export default async function surveyRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  const questionsOf = (req: FastifyRequest): QuestionInput[] =>
    Array.from({ length: MAX_QUESTIONS }, (_, i) => ({
      kind: field(req, `q${i + 1}_kind`),
      prompt: field(req, `q${i + 1}_prompt`),
      options: field(req, `q${i + 1}_options`),
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

  app.post('/surveys', async (req, reply) => {
    try {
      const survey = createSurvey(app.domain, actorOf(req), {
        title: field(req, 'title'),
        invitation: field(req, 'invitation'),
        questions: questionsOf(req),
      });
      return reply.redirect(`/surveys/${survey.id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return listPage(req, reply, refused.errors, formDraft(req));
    }
  });

  app.post('/surveys/:id/archive', async (req, reply) => {
    setArchived(app.domain, actorOf(req), idParam(req), field(req, 'archived') === '1');
    return reply.redirect('/surveys', 303);
  });

  app.get('/surveys/:id', async (req, reply) => {
    const { range, from, to } = rangeOf(req);
    const report = surveyReport(app.domain, actorOf(req), idParam(req), range);
    const query = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
    return reply.page('pages/survey-report', {
      report,
      charts: report.questions.map(chartOf),
      from,
      to,
      csvUrl: `/surveys/${report.survey.id}/report.csv${query ? `?${query}` : ''}`,
    });
  });

  app.get('/surveys/:id/report.csv', async (req, reply) => {
    const { range } = rangeOf(req);
    const id = idParam(req);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="survey-${id}.csv"`)
      .send(surveyCsv(app.domain, actorOf(req), id, range));
  });

  // An agent sends a survey from the conversation: the link goes out as a text like any reply.
  app.post('/conversations/:id/survey', async (req, reply) => {
    const id = idParam(req);
    const actor = actorOf(req);
    const raw = field(req, 'survey');
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
