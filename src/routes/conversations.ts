import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getConversation } from '../domain/conversations/queries.ts';
import { analyzeText } from '../channels/smpp/encoding.ts';
import { MAX_BODY, queueReply } from '../domain/messaging/outbox.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { field, formErrorsOf, idParam, type FormErrors } from './forms.ts';

export default async function conversationRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  // `draft`, not `body`: Eta's layouts receive the page content as `it.body`.
  const show = (req: FastifyRequest, reply: FastifyReply, id: number, state: { draft?: string; errors?: FormErrors } = {}) =>
    reply.page('pages/conversation', {
      conversation: getConversation(app.domain, actorOf(req), id),
      draft: state.draft ?? '',
      errors: state.errors ?? {},
      count: analyzeText(state.draft ?? ''),
    });

  app.get('/conversations/:id', async (req, reply) => show(req, reply, idParam(req)));

  // The composer's live counter: characters left in this SMS and how many SMS the text will take.
  app.post('/compose/count', async (req, reply) => reply.fragment('partials/composer-count', { count: analyzeText(field(req, 'body').slice(0, MAX_BODY)) }));

  app.post('/conversations/:id/messages', async (req, reply) => {
    const id = idParam(req);
    const body = field(req, 'body');
    try {
      queueReply(app.domain, actorOf(req), id, body);
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      // The new message reaches this tab like every other: as an upsert into the timeline.
      const conversation = getConversation(app.domain, actorOf(req), id);
      return reply.fragment('partials/reply-sent', { conversation, draft: '', errors: {}, count: analyzeText('') });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      if (!isHtmx(req)) return show(req, reply, id, { draft: body, errors: refused.errors });
      return reply.fragment('partials/composer', {
        conversation: getConversation(app.domain, actorOf(req), id),
        draft: body,
        errors: refused.errors,
        count: analyzeText(body),
      });
    }
  });
}
