import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { followLink, linkTarget } from '../domain/campaigns/links.ts';

/** Any token: one of the wrong form is a link that does not exist (the domain checks it), told on a page. */
const tokenParams = z.object({ token: z.string() });

/**
 * The fetchers that messengers, social sites and search engines send to draw a link's preview card. Apple's
 * Messages presents itself as facebookexternalhit and Twitterbot; WhatsApp and Telegram as themselves.
 */
const PREVIEW_FETCHER =
  /facebookexternalhit|facebot|twitterbot|whatsapp|telegrambot|slackbot|discordbot|linkedinbot|skypeuripreview|googlebot|bingbot|applebot|embedly|pinterest|redditbot/i;

/**
 * A campaign's short links (`/l/<token>`): no sign-in (the customer's phone opens them), nothing but a redirect.
 * GET counts a click — unless it is a link preview being drawn or a signed-in teammate following the link from a
 * conversation; HEAD (bots checking the link) answers the same without counting.
 */
export default async function shortLinkRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  const answer = (reply: FastifyReply, url: string | null): FastifyReply => {
    // Each click reaches us (no cache keeps it), and the site it leads to does not learn the recipient's token.
    reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
    if (url === null) return reply.code(404).page('pages/short-link-gone');
    return reply.redirect(url, 302);
  };

  // Declared before the GET, so Fastify does not answer HEAD with the GET's handler (which counts).
  app.head('/l/:token', { schema: { params: tokenParams } }, async (req, reply) =>
    answer(reply, linkTarget(app.domain, req.params.token)),
  );
  app.get('/l/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    const { token } = req.params;
    const notAClick = req.auth !== null || PREVIEW_FETCHER.test(req.headers['user-agent'] ?? '');
    return answer(reply, notAClick ? linkTarget(app.domain, token) : followLink(app.domain, token, app.domain.now()));
  });
}
