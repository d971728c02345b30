import type { FastifyInstance } from 'fastify';
import { analyzeText } from '../../channels/smpp/encoding.ts';
import { markRead } from '../../domain/conversations/reading.ts';
import { MAX_BODY, queueReply } from '../../domain/messaging/outbox.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import { field, formErrorsOf, idParam } from '../forms.ts';
import { conversationPageData } from './page-data.ts';

export default async function conversationRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.get('/conversations/:id', async (req, reply) => {
    const actor = actorOf(req);
    const data = conversationPageData(app, actor, idParam(req));
    // Opening it reads it, for me only; a number's history is not mine to mark.
    if (!data.conversation.history) markRead(app.domain, actor, data.conversation.id);
    return reply.page('pages/conversation', data);
  });

  // The composer's live counter: characters left in this SMS and how many SMS the text will take.
  app.post('/compose/count', async (req, reply) => reply.fragment('partials/composer-count', { count: analyzeText(field(req, 'body').slice(0, MAX_BODY)) }));

  app.post('/conversations/:id/messages', async (req, reply) => {
    const id = idParam(req);
    const actor = actorOf(req);
    const body = field(req, 'body');
    try {
      queueReply(app.domain, actor, id, body);
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      // The new message reaches this tab like every other: as an upsert into the timeline.
      return reply.fragment('partials/reply-sent', conversationPageData(app, actor, id));
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      const data = conversationPageData(app, actor, id, { draft: body, errors: refused.errors });
      return isHtmx(req) ? reply.fragment('partials/composer', data) : reply.page('pages/conversation', data);
    }
  });
}
