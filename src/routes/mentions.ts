import type { FastifyInstance } from 'fastify';
import { mentionable } from '../domain/mention-audience.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { field, ID_PATTERN } from './forms.ts';

const TYPED = /(?:^|\s)@([\p{L}\p{N}_-]{1,30})$/u;
const FIELD = /^[a-z][\w-]{0,39}$/;

/** While `@Na` is being typed at the end of a chat message or a note: the teammates it may mean, to pick from. */
export default async function mentionRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.post('/mentions/suggest', async (req, reply) => {
    const text = field(req, 'body') || field(req, 'note');
    const typed = TYPED.exec(text.slice(-200))?.[1];
    const target = field(req, 'field');
    const chat = field(req, 'chat');
    const conversation = field(req, 'conversation');
    const where = ID_PATTERN.test(chat)
      ? { chatId: Number(chat) }
      : ID_PATTERN.test(conversation)
        ? { conversationId: Number(conversation) }
        : null;
    const people = typed && where && FIELD.test(target) ? mentionable(app.domain, actorOf(req), where, typed) : [];
    return reply.fragment('partials/mention-choices', { people, field: target });
  });
}
