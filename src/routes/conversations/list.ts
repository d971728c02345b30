import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { gettingStarted } from '../../domain/onboarding/getting-started.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { listPane } from '../../presenters/list-page.ts';
import { listQueryIn, listQuerySchema, listUrl } from '../../presenters/list-query.ts';
import { phoneFormatter } from '../../presenters/phone.ts';
import { countryOfUser, timeZoneOf } from '../../presenters/viewer.ts';
import { idParams } from '../schemas.ts';

export default async function conversationListRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  // The list, with an empty conversation pane beside it on a wide screen.
  app.get('/conversations', { schema: { querystring: listQuerySchema } }, async (req, reply) => {
    const user = req.auth!.user;
    const query = listQueryIn(req.query, timeZoneOf(user, app.configStore.current));
    // "Load more" asks for the next rows only; everything else gets the page.
    const more = req.headers['hx-request'] === 'true' && query.after !== undefined;
    const phone = phoneFormatter(countryOfUser(user, app.configStore.current));
    const data = listPane(app.domain, actorOf(req), { t: req.t, phone }, query, more);
    if (more) return reply.fragment('partials/conversation-rows', data);
    const checklist = gettingStarted(app.domain, actorOf(req), user.gettingStartedDismissed);
    return reply.page('pages/conversations', { ...data, gettingStarted: checklist });
  });

  // Older links and the inbox switcher's first version pointed here.
  app.get('/inboxes/:id', { schema: { params: idParams } }, async (req, reply) =>
    reply.redirect(listUrl({ inbox: String(req.params.id) }), 301),
  );
}
