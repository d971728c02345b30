import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { assertMayCreate } from '../../domain/campaigns/access.ts';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../domain/campaigns/lifecycle.ts';
import { reportRows } from '../../domain/campaigns/report.ts';
import { campaignNumbers, createCampaign } from '../../domain/campaigns/service.ts';
import { campaignSettingsOf } from '../../domain/campaigns/settings.ts';
import { csvLine } from '../../domain/csv.ts';
import { DomainError } from '../../domain/errors.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import { campaignListPage, campaignPage, campaignProgressOf } from '../../presenters/campaigns.ts';
import { formDraft, formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';
import { form, idParams, queryText, text } from '../schemas.ts';

const newForm = form({ name: text, number: text });
/** `?after=`: the recipients' page after this recipient id; anything else is the first page. */
const pageQuery = z.object({ after: queryText });

/** The report's columns, in the CSV's first line. */
const CSV_HEADER = [
  'phone',
  'name',
  'state',
  'skip_reason',
  'message_status',
  'error_code',
  'error',
  'queued_at',
  'replied_at',
  'opted_out_at',
  'clicks',
];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The campaign list, a new draft, the campaign page with its live progress, its report, pause/resume/cancel. */
export default async function campaignPageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);
  const settings = () => campaignSettingsOf(app.configStore.current);

  app.get('/', async (req, reply) =>
    reply.page(
      'pages/campaigns/list',
      campaignListPage({ domain: app.domain, config: app.configStore.current, settings: settings() }, actorOf(req)),
    ),
  );

  const newPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    errors: FormErrors = {},
    draft: Record<string, string> = {},
  ) => reply.page('pages/campaigns/new', { numbers: campaignNumbers(app.domain, actorOf(req)), errors, draft });

  // An agent may create no campaign at all; a manager without a number to send from is told why instead.
  app.get('/new', async (req, reply) => {
    assertMayCreate(actorOf(req));
    return newPage(req, reply);
  });

  app.post('/', { schema: { body: newForm } }, async (req, reply) => {
    const { name, number } = req.body;
    try {
      if (!ID_PATTERN.test(number)) throw new DomainError(422, 'campaign.pick_number', {}, 'number');
      const { id } = createCampaign(app.domain, actorOf(req), settings(), { name, numberId: Number(number) });
      return reply.redirect(`/campaigns/${id}/edit`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req, {
        place: (field) => (field === 'numberId' ? 'number' : (field ?? '_form')),
      });
      if (!refused) throw err;
      reply.code(refused.status);
      return newPage(req, reply, refused.errors, formDraft(req.body));
    }
  });

  app.get('/:id', { schema: { params: idParams, querystring: pageQuery } }, async (req, reply) => {
    const { id } = req.params;
    const after =
      req.query.after !== undefined && ID_PATTERN.test(req.query.after) ? Number(req.query.after) : undefined;
    return reply.page('pages/campaigns/show', campaignPage(app.domain, actorOf(req), id, req.t, after));
  });

  // Streamed a chunk of lines at a time: a campaign of 100 000 recipients is not built as one string.
  app.get('/:id/report.csv', { schema: { params: idParams } }, async (req, reply) => {
    const { id } = req.params;
    const rows = reportRows(app.domain, actorOf(req), id);
    function* lines() {
      yield csvLine(CSV_HEADER);
      let chunk = '';
      for (const r of rows) {
        chunk += csvLine([
          r.phone,
          r.name,
          r.state,
          r.skipReason,
          r.messageStatus,
          r.errorCode,
          r.errorReason,
          iso(r.queuedAt),
          iso(r.repliedAt),
          iso(r.optedOutAt),
          r.clicks,
        ]);
        if (chunk.length >= 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="campaign-${id}.csv"`)
      .send(Readable.from(lines()));
  });

  /** Pause, resume, cancel: the progress fragment again (htmx), or the page; a refusal is shown in the fragment. */
  const lifecycle = (name: 'pause' | 'resume' | 'cancel', run: typeof pauseCampaign) =>
    app.post(`/:id/${name}`, { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
      const { id } = req.params;
      const actor = actorOf(req);
      let problem: string | undefined;
      try {
        run(app.domain, actor, id);
      } catch (err) {
        const refused = formErrorsOf(err, req);
        if (!refused) throw err;
        reply.code(refused.status);
        problem = Object.values(refused.errors)[0];
      }
      if (!isHtmx(req) && problem === undefined) return reply.redirect(`/campaigns/${id}`, 303);
      return reply.pageOrFragment('pages/campaigns/show', 'partials/campaigns/progress', {
        ...campaignPage(app.domain, actor, id, req.t),
        ...campaignProgressOf(app.domain, actor, id, problem),
      });
    });
  lifecycle('pause', pauseCampaign);
  lifecycle('resume', resumeCampaign);
  lifecycle('cancel', cancelCampaign);
}
