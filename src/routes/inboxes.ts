import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setAutoAssign } from '../domain/assignment/settings.ts';
import { getInboxFor, setAssignmentMode, setMovingEnabled } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { formErrorsOf } from './forms.ts';
import { checkbox, form, idParams, text } from './schemas.ts';
import { listUrl } from '../presenters/list-query.ts';

/** The page a switch was used on: Manage inboxes → (inbox) (`from=admin`), else the inbox's conversation list. */
const back = (from: string, id: number): string =>
  from === 'admin' ? `/admin/inboxes/${id}` : listUrl({ inbox: String(id) });

const switchSchema = { params: idParams, body: form({ enabled: checkbox, from: text }) };
const autoAssignSchema = { params: idParams, body: form({ enabled: checkbox, from: text, max_open: text }) };

/**
 * Per-inbox switches, offered on the inbox's conversation list and on Manage inboxes → (inbox): assignment mode
 * (managers), round-robin (managers) and moving out (admins).
 */
export default async function inboxSettingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  app.post('/inboxes/:id/assignment', { schema: switchSchema }, async (req, reply) => {
    const { id } = req.params;
    setAssignmentMode(app.domain, actorOf(req), id, req.body.enabled);
    return reply.redirect(back(req.body.from, id), 303);
  });

  app.post('/inboxes/:id/moving', { schema: switchSchema }, async (req, reply) => {
    const { id } = req.params;
    setMovingEnabled(app.domain, actorOf(req), id, req.body.enabled);
    return reply.redirect(back(req.body.from, id), 303);
  });

  // Round-robin (managers): htmx redraws the settings in place, with a refused cap beside its field.
  app.post('/inboxes/:id/auto-assign', { schema: autoAssignSchema }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const { enabled, from, max_open: maxOpen } = req.body;
    const inboxSettingsFrom = from === 'admin' ? 'admin' : 'list';
    try {
      setAutoAssign(app.domain, actor, id, { enabled, maxOpen });
    } catch (err) {
      // Without htmx (no script) the refusal is the error page, still with its 422 and message.
      const refused = formErrorsOf(err, req, { statuses: [422] });
      if (!refused || !isHtmx(req)) throw err;
      const autoAssignForm = { errors: refused.errors, maxOpen, enabled };
      return reply.code(refused.status).fragment('partials/inbox-settings', {
        inboxSettings: getInboxFor(app.domain, actor, id),
        inboxSettingsFrom,
        autoAssignForm,
      });
    }
    if (!isHtmx(req)) return reply.redirect(back(from, id), 303);
    return reply.fragment('partials/inbox-settings', {
      inboxSettings: getInboxFor(app.domain, actor, id),
      inboxSettingsFrom,
      autoAssignForm: { saved: true },
    });
  });
}
