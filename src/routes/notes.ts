import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { addNote, deleteNote, editNote } from '../domain/notes/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { getConversation } from '../domain/conversations/queries.ts';
import { conversationPage } from '../presenters/conversation.ts';
import { formErrorsOf } from './forms.ts';
import { form, idParams, text } from './schemas.ts';

/** Private notes on a conversation: written from the form under the composer, edited and deleted on the timeline. */
const noteSchema = { params: idParams, body: form({ note: text }) };

export default async function noteRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  app.post('/conversations/:id/notes', { schema: noteSchema }, async (req, reply) => {
    const { id } = req.params;
    const actor = actorOf(req);
    const noteDraft = req.body.note;
    try {
      addNote(app.domain, actor, id, noteDraft);
      if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
      // The note itself reaches the timeline live, like a message.
      return reply.fragment('partials/note-form', { conversation: getConversation(app.domain, actor, id), errors: {} });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
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

  app.post('/notes/:id/edit', { schema: noteSchema }, async (req, reply) => {
    const conversationId = editNote(app.domain, actorOf(req), req.params.id, req.body.note);
    return isHtmx(req) ? reply.code(204).send() : reply.redirect(`/conversations/${conversationId}`, 303);
  });

  app.post('/notes/:id/delete', { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    const conversationId = deleteNote(app.domain, actorOf(req), req.params.id);
    return isHtmx(req) ? reply.code(204).send() : reply.redirect(`/conversations/${conversationId}`, 303);
  });
}
