import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { mentionable } from '../domain/mention-audience.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { ID_PATTERN } from './forms.ts';
import { form, text } from './schemas.ts';

const TYPED = /(?:^|\s)@([\p{L}\p{N}_-]{1,30})$/u;
const FIELD = /^[a-z][\w-]{0,39}$/;

/** While `@Na` is being typed at the end of a chat message or a note: the teammates it may mean, to pick from. */
const suggestForm = form({ body: text, note: text, field: text, chat: text, conversation: text });

export default async function mentionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  app.post('/mentions/suggest', { schema: { body: suggestForm } }, async (req, reply) => {
    const { body, note, field: target, chat, conversation } = req.body;
    const typed = TYPED.exec((body || note).slice(-200))?.[1];
    const where = ID_PATTERN.test(chat)
      ? { chatId: Number(chat) }
      : ID_PATTERN.test(conversation)
        ? { conversationId: Number(conversation) }
        : null;
    const people = typed && where && FIELD.test(target) ? mentionable(app.domain, actorOf(req), where, typed) : [];
    return reply.fragment('partials/mention-choices', { people, field: target });
  });
}
