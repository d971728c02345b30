import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { addAudience, clearAudience, type AudienceSource } from '../../domain/campaigns/audience.ts';
import { startCampaign } from '../../domain/campaigns/lifecycle.ts';
import { getCampaign, updateDraft } from '../../domain/campaigns/service.ts';
import { campaignSettingsOf } from '../../domain/campaigns/settings.ts';
import { parseVersion } from '../../domain/conversations/actions.ts';
import { invalid } from '../../domain/errors.ts';
import { whenOf } from '../../domain/later/when.ts';
import { largestAttachmentBytes } from '../../domain/media/limits.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import {
  campaignEditor,
  campaignPreview,
  maxRateOf,
  templateVariables,
  variableStart,
  type EditorState,
} from '../../presenters/campaigns.ts';
import { parseListQuery } from '../../presenters/list-query.ts';
import { timeZoneOf } from '../../presenters/viewer.ts';
import { formDraft, formErrorsOf, ID_PATTERN } from '../forms.ts';
import { checkbox, form, idParams, queryText, repeated, text } from '../schemas.ts';
import { acceptUploads } from '../uploads.ts';

/** The largest audience file read (the domain refuses more rows than [campaigns] max_csv_rows allows). */
const MAX_CSV_BYTES = 20 * 1024 * 1024;

const audienceForm = form({
  source: text,
  pasted: text,
  tag: text,
  inbox: text,
  status: text,
  assignee: text,
});
type TemplateVariable = (typeof templateVariables)[number];
/** var1 … var10, each read with `field`. */
const variablesAs = <F extends z.ZodType>(field: F) =>
  Object.fromEntries(templateVariables.map((name) => [name, field])) as Record<TemplateVariable, F>;

const messageForm = form({
  version: text,
  name: text,
  body: text,
  footer: text,
  track_links: checkbox,
  // The positions of the files ticked for removal.
  remove_file: repeated.pipe(
    z.array(
      z
        .string()
        .regex(/^\d{1,4}$/)
        .transform(Number),
    ),
  ),
  // WhatsApp: "name|language" of an approved template and its variables' texts.
  template: text,
  // Absent where the chosen template showed no field for it: its text then starts as the editor's would.
  ...variablesAs(z.string().optional()),
});
/** Another template chosen in the open editor: the choice and the variables typed so far. */
const templateQuery = z.object({
  template: queryText,
  ...variablesAs(queryText),
});
const startForm = form({ version: text, when: text, send_at: text, rate: text });
const previewQuery = z.object({ index: queryText });

/** Which section a refusal belongs to, by the field the domain names. */
const messageFields = new Set<string>(['name', 'body', 'footer', 'files', 'template', ...templateVariables]);
const placeOnStart = (field: string | undefined) =>
  field === 'sendAt' || field === 'send_at' || field === 'at'
    ? 'send_at'
    : field === 'ratePerMinute' || field === 'rate'
      ? 'rate'
      : '_form';

/**
 * The draft editor at /campaigns/:id/edit: three sections, each its own form that answers with its own fragment
 * (htmx) or the whole page, refusals in place. Managers only (the domain checks).
 */
export default async function campaignEditorRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);
  const settings = () => campaignSettingsOf(app.configStore.current);
  const source = () => ({ domain: app.domain, config: app.configStore.current, settings: settings() });
  /** Uploads are cut off at the largest file any number takes: the domain checks the campaign number's own limit. */
  const largestFile = () => largestAttachmentBytes(app.configStore.current);
  const zoneOf = (req: FastifyRequest) => timeZoneOf(req.auth!.user, app.configStore.current);
  const editor = (req: FastifyRequest, id: number, state: EditorState = {}) => ({
    ...campaignEditor(source(), actorOf(req), id, req.t, state),
    zone: zoneOf(req),
  });

  /** One section again: its fragment for htmx (with what the others must follow), else the editor page. */
  const section = (req: FastifyRequest, reply: FastifyReply, fragment: string, id: number, state: EditorState = {}) =>
    reply.pageOrFragment('pages/campaigns/edit', fragment, editor(req, id, state));

  /** Runs a section's change; a refusal (409/422) comes back in place with the form as typed. */
  const change = async (
    req: FastifyRequest,
    reply: FastifyReply,
    fragment: string,
    id: number,
    run: () => EditorState | void,
    place: (field: string | undefined) => string,
    fields: Record<string, unknown>,
  ) => {
    try {
      return section(req, reply, fragment, id, run() ?? {});
    } catch (err) {
      const refused = formErrorsOf(err, req, { place });
      if (!refused) throw err;
      reply.code(refused.status);
      return section(req, reply, fragment, id, { errors: refused.errors, draft: formDraft(fields) });
    }
  };

  app.get('/:id/edit', { schema: { params: idParams, querystring: previewQuery } }, async (req, reply) => {
    const { id } = req.params;
    const state = editor(req, id, { previewIndex: indexOf(req.query.index) });
    // Once started there is nothing to edit: the campaign page shows its progress.
    if (state.campaign.state !== 'draft') return reply.redirect(`/campaigns/${id}`, 303);
    return reply.page('pages/campaigns/edit', state);
  });

  app.get('/:id/preview', { schema: { params: idParams, querystring: previewQuery } }, async (req, reply) => {
    const { id } = req.params;
    const index = indexOf(req.query.index);
    if (!isHtmx(req)) return reply.redirect(`/campaigns/${id}/edit?index=${index}#campaign-preview`, 303);
    return reply.fragment('partials/campaigns/preview', {
      ...campaignPreview(source(), actorOf(req), id, index),
      oob: false,
    });
  });

  // The variables' fields of the template chosen (htmx, as the choice changes), the texts typed so far kept.
  app.get('/:id/message/template', { schema: { params: idParams, querystring: templateQuery } }, async (req, reply) => {
    const { id } = req.params;
    // Without JavaScript the form's own "Use this template" button saves the choice: the editor as it is.
    if (!isHtmx(req)) return reply.redirect(`/campaigns/${id}/edit#campaign-message`, 303);
    return reply.fragment('partials/campaigns/template-fields', editor(req, id, { draft: formDraft(req.query) }));
  });

  app.post(
    '/:id/audience',
    { ...acceptUploads(app, () => MAX_CSV_BYTES), schema: { params: idParams, body: audienceForm } },
    async (req, reply) => {
      const { id } = req.params;
      const kind = req.body.source;
      return change(
        req,
        reply,
        'partials/campaigns/after-audience',
        id,
        () => {
          const added = addAudience(app.domain, actorOf(req), settings(), id, audienceSourceOf(req, kind));
          return { audienceNotice: req.t('campaign.audience_added', { ...added }) };
        },
        () => (['csv', 'pasted', 'tag', 'filter'].includes(kind) ? kind : '_audience'),
        req.body,
      );
    },
  );

  /** What the audience form named: a CSV file, pasted numbers, a tag, or a list filter. */
  function audienceSourceOf(req: FastifyRequest, kind: string): AudienceSource {
    const body = req.body as z.output<typeof audienceForm>;
    if (kind === 'csv') {
      if (req.upload.refused) throw req.upload.refused;
      const file = req.upload.files[0];
      if (!file) throw invalid('campaign.csv_missing', 'csv');
      if (file.tooLarge) throw invalid('campaign.csv_too_large', 'csv', { max: `${MAX_CSV_BYTES / 1024 / 1024} MB` });
      return { kind: 'csv', filename: file.filename, content: readFileSync(file.tmpPath) };
    }
    if (kind === 'pasted') return { kind: 'pasted', text: body.pasted };
    if (kind === 'tag') {
      if (!ID_PATTERN.test(body.tag)) throw invalid('campaign.pick_tag', 'tag');
      return { kind: 'tag', tagId: Number(body.tag) };
    }
    if (kind === 'filter') {
      const { inbox, status, assignee, tag } = body;
      const query = parseListQuery({ view: 'inbox', inbox, status, assignee, tag }, zoneOf(req));
      return { kind: 'filter', filter: query.filter };
    }
    throw invalid('campaign.source_unknown');
  }

  app.post('/:id/audience/clear', { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    const { id } = req.params;
    return change(
      req,
      reply,
      'partials/campaigns/after-audience',
      id,
      () => {
        clearAudience(app.domain, actorOf(req), id);
        return { audienceNotice: req.t('campaign.audience_cleared') };
      },
      () => '_audience',
      {},
    );
  });

  app.post(
    '/:id/message',
    { ...acceptUploads(app, largestFile), schema: { params: idParams, body: messageForm } },
    async (req, reply) => {
      const { id } = req.params;
      const { version, name, body, footer, track_links: trackLinks, remove_file: remove } = req.body;
      return change(
        req,
        reply,
        'partials/campaigns/after-message',
        id,
        () => {
          const actor = actorOf(req);
          if (req.upload.refused) throw req.upload.refused;
          // A WhatsApp campaign sends a template: no body, footer, links or files of its own.
          const campaign = getCampaign(app.domain, actor, id);
          if (campaign.kind === 'whatsapp') {
            // A variable the form had no field for (a template just chosen without JavaScript) starts as shown.
            const params = templateVariables.map((v, i) => req.body[v] ?? variableStart(campaign.template, i));
            const template = templateChoice(req.body.template, params);
            updateDraft(app.domain, actor, id, { version: parseVersion(version), name, template });
            return { messageNotice: req.t('campaign.message_saved') };
          }
          // Files given join the list; those ticked leave it.
          const files = { media: app.media, add: req.upload.files, remove };
          updateDraft(app.domain, actor, id, { version: parseVersion(version), name, body, footer, trackLinks, files });
          return { messageNotice: req.t('campaign.message_saved') };
        },
        (field) => (field !== undefined && messageFields.has(field) ? field : '_form'),
        { ...req.body, track_links: trackLinks ? '1' : '' },
      );
    },
  );

  app.post('/:id/start', { schema: { params: idParams, body: startForm } }, async (req, reply) => {
    const { id } = req.params;
    const { version, when, send_at: at, rate } = req.body;
    const actor = actorOf(req);
    try {
      const { e164 } = getCampaign(app.domain, actor, id);
      const maxRate = maxRateOf(app.configStore.current, settings(), e164);
      const ratePerMinute = /^\d{1,6}$/.test(rate.trim()) ? Number(rate.trim()) : NaN;
      if (Number.isNaN(ratePerMinute)) throw invalid('campaign.rate_invalid', 'rate', { max: maxRate });
      // A time picked a minute ago still counts: the domain refuses one further in the past.
      const now = app.domain.now();
      const sendAt = when === 'at' ? whenOf('at', at, zoneOf(req), now - 60_000) : null;
      startCampaign(app.domain, actor, settings(), id, {
        version: parseVersion(version),
        sendAt,
        ratePerMinute,
        maxRatePerMinute: maxRate,
        linkAddress: app.configStore.current.server.public_url !== undefined,
      });
    } catch (err) {
      const refused = formErrorsOf(err, req, { place: placeOnStart });
      if (!refused) throw err;
      reply.code(refused.status);
      return section(req, reply, 'partials/campaigns/schedule', id, {
        errors: refused.errors,
        draft: formDraft(req.body),
      });
    }
    if (isHtmx(req)) return reply.header('HX-Location', `/campaigns/${id}`).code(204).send();
    return reply.redirect(`/campaigns/${id}`, 303);
  });
}

/** "name|language" as the form's template choice names it; none chosen (or anything else) is refused in place. */
function templateChoice(raw: string, params: string[]): { name: string; language: string; params: string[] } {
  const at = raw.lastIndexOf('|');
  if (at <= 0 || at === raw.length - 1) throw invalid('campaign.template_unknown', 'template');
  return { name: raw.slice(0, at), language: raw.slice(at + 1), params };
}

/** `?index=`: a recipient's position in the preview; anything else is the first. */
const indexOf = (raw: string | undefined): number => (raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : 0);
