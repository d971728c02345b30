import type { FastifyInstance } from 'fastify';
import { gettingStarted } from '../../domain/onboarding/getting-started.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { listPane } from '../../presenters/list-page.ts';
import { listUrl, parseListQuery } from '../../presenters/list-query.ts';
import { phoneFormatter } from '../../presenters/phone.ts';
import { countryOfUser, timeZoneOf } from '../../presenters/viewer.ts';
import { idParam } from '../forms.ts';

export default async function conversationListRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  // The list, with an empty conversation pane beside it on a wide screen.
  app.get('/conversations', async (req, reply) => {
    const user = req.auth!.user;
    const query = parseListQuery(req.query, timeZoneOf(user, app.configStore.current));
    // "Load more" asks for the next rows only; everything else gets the page.
    const more = req.headers['hx-request'] === 'true' && query.after !== undefined;
    const phone = phoneFormatter(countryOfUser(user, app.configStore.current));
    const data = listPane(app.domain, actorOf(req), { t: req.t, phone }, query, more);
    if (more) return reply.fragment('partials/conversation-rows', data);
    const checklist = gettingStarted(app.domain, actorOf(req), user.gettingStartedDismissed);
    return reply.page('pages/conversations', { ...data, gettingStarted: checklist });
  });

  // Older links and the inbox switcher's first version pointed here.
  app.get('/inboxes/:id', async (req, reply) => reply.redirect(listUrl({ inbox: String(idParam(req)) }), 301));
}
