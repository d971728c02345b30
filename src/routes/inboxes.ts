import type { FastifyInstance, FastifyRequest } from 'fastify';
import { setAutoAssign } from '../domain/assignment/settings.ts';
import { getInboxFor, setAssignmentMode, setMovingEnabled } from '../domain/inboxes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { field, formErrorsOf, idParam } from './forms.ts';
import { listUrl } from '../presenters/list-query.ts';

/** The page a switch was used on: Manage inboxes → (inbox) (`from=admin`), else the inbox's conversation list. */
const fromAdmin = (req: FastifyRequest): boolean => field(req, 'from') === 'admin';
const back = (req: FastifyRequest, id: number): string =>
  fromAdmin(req) ? `/admin/inboxes/${id}` : listUrl({ inbox: String(id) });

/**
 * Per-inbox switches, offered on the inbox's conversation list and on Manage inboxes → (inbox): assignment mode
 * (managers), round-robin (managers) and moving out (admins).
 */
export default async function inboxSettingRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.post('/inboxes/:id/assignment', async (req, reply) => {
    const id = idParam(req);
    setAssignmentMode(app.domain, actorOf(req), id, field(req, 'enabled') === '1');
    return reply.redirect(back(req, id), 303);
  });

  app.post('/inboxes/:id/moving', async (req, reply) => {
    const id = idParam(req);
    setMovingEnabled(app.domain, actorOf(req), id, field(req, 'enabled') === '1');
    return reply.redirect(back(req, id), 303);
  });

  // Round-robin (managers): htmx redraws the settings in place, with a refused cap beside its field.
  app.post('/inboxes/:id/auto-assign', async (req, reply) => {
    const id = idParam(req);
    const actor = actorOf(req);
    const maxOpen = field(req, 'max_open');
    const inboxSettingsFrom = fromAdmin(req) ? 'admin' : 'list';
    try {
      setAutoAssign(app.domain, actor, id, { enabled: field(req, 'enabled') === '1', maxOpen });
    } catch (err) {
      // Without htmx (no script) the refusal is the error page, still with its 422 and message.
      const refused = formErrorsOf(err, req, { statuses: [422] });
      if (!refused || !isHtmx(req)) throw err;
      const autoAssignForm = { errors: refused.errors, maxOpen, enabled: field(req, 'enabled') === '1' };
      return reply.code(refused.status).fragment('partials/inbox-settings', {
        inboxSettings: getInboxFor(app.domain, actor, id),
        inboxSettingsFrom,
        autoAssignForm,
      });
    }
    if (!isHtmx(req)) return reply.redirect(back(req, id), 303);
    return reply.fragment('partials/inbox-settings', {
      inboxSettings: getInboxFor(app.domain, actor, id),
      inboxSettingsFrom,
      autoAssignForm: { saved: true },
    });
  });
}
