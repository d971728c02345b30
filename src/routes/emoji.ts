import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emojiLabel, searchEmoji } from '../domain/emoji/catalog.ts';
import { recentEmojiOf, rememberEmoji, toggleReaction } from '../domain/emoji/reactions.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { ID_PATTERN } from './forms.ts';
import { form, idParams, queryText, text } from './schemas.ts';

/** The emoji picker (for the composer, or to react to a message) and reactions. */
const pickerQuery = z.object({ q: queryText, react: queryText, chat: queryText, for: queryText });
const emojiForm = form({ emoji: text });

export default async function emojiRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  // Search by name or keyword in the reader's language; without a query, the ones I used lately come first.
  app.get('/emoji', { schema: { querystring: pickerQuery } }, async (req, reply) => {
    const query = req.query;
    const q = query.q?.slice(0, 40) ?? '';
    const id = (v: string | undefined) => (v !== undefined && ID_PATTERN.test(v) ? Number(v) : null);
    // A reaction to a customer conversation's message, or to a team chat's.
    const react = id(query.react) ?? id(query.chat);
    const reactPath =
      react === null
        ? null
        : id(query.react) !== null
          ? `/messages/${react}/reactions`
          : `/chat-messages/${react}/reactions`;
    const found = searchEmoji(q, req.locale).map((e) => ({ unicode: e.unicode, label: e.label }));
    const recent = q
      ? []
      : recentEmojiOf(app.domain, actorOf(req)).map((unicode) => ({ unicode, label: emojiLabel(unicode, req.locale) }));
    const seen = new Set(recent.map((e) => e.unicode));
    const choices = [...recent, ...found.filter((e) => !seen.has(e.unicode))].slice(0, 48);
    return reply.fragment('partials/emoji-choices', {
      choices,
      react,
      reactPath,
      field: query.for !== undefined && /^[\w-]{1,40}$/.test(query.for) ? query.for : null,
    });
  });

  app.post('/emoji/recent', { schema: { body: emojiForm } }, async (req, reply) => {
    rememberEmoji(app.domain, actorOf(req), req.body.emoji);
    return reply.code(204).send();
  });

  // Everyone watching the conversation (this tab included) gets the message redrawn over the live socket.
  app.post('/messages/:id/reactions', { schema: { params: idParams, body: emojiForm } }, async (req, reply) => {
    const { conversationId } = toggleReaction(app.domain, actorOf(req), req.params.id, req.body.emoji);
    if (isHtmx(req)) return reply.code(204).send();
    return reply.redirect(`/conversations/${conversationId}`, 303);
  });
}
