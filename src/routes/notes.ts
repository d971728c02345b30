import type { FastifyInstance } from 'fastify';
import { addNote, deleteNote, editNote } from '../domain/notes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { getConversation } from '../domain/conversations/queries.ts';
import { conversationPage } from '../presenters/conversation.ts';
import { field, formErrorsOf, idParam } from './forms.ts';

/** Private notes on a conversation: written from the form under the composer, edited and deleted on the timeline. */
export default async function noteRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.post('/conversations/:id/notes', async (req, reply) => {
    const id = idParam(req);
    const actor = actorOf(req);
    try {
      addNote(app.domain, actor, id, field(req, 'note'));
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      // The note itself reaches the timeline live, like a message.
      return reply.fragment('partials/note-form', { conversation: getConversation(app.domain, actor, id), errors: {} });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      const noteDraft = field(req, 'note');
      if (isHtmx(req))
        return reply.fragment('partials/note-form', {
          conversation: getConversation(app.domain, actor, id),
          errors: refused.errors,
          noteDraft,
        });
      return reply.page('pages/conversation', {
        ...conversationPage(app, actor, id, { errors: refused.errors }),
        noteDraft,
      });
    }
  });

  app.post('/notes/:id/edit', async (req, reply) => {
    const conversationId = editNote(app.domain, actorOf(req), idParam(req), field(req, 'note'));
    return isHtmx(req) ? reply.code(204).send() : reply.redirect(`/conversations/${conversationId}`, 303);
  });

  app.post('/notes/:id/delete', async (req, reply) => {
    const conversationId = deleteNote(app.domain, actorOf(req), idParam(req));
    return isHtmx(req) ? reply.code(204).send() : reply.redirect(`/conversations/${conversationId}`, 303);
  });
}
