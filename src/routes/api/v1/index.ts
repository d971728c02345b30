import type { FastifyInstance } from 'fastify';
import { bearerAuth } from './bearer.ts';
import contactRoutes from './contacts.ts';
import conversationRoutes from './conversations.ts';
import inboxRoutes from './inboxes.ts';
import messageRoutes from './messages.ts';
import meRoutes from './me.ts';
import { registerOpenApi } from './openapi.ts';
import { ApiProblem, problem, problemFor, sendProblem } from './problem.ts';

/**
 * The REST API, registered at /api/v1: its own encapsulated world. JSON bodies only (the app reads forms
 * everywhere else), bearer tokens only (never the session cookie, so no CSRF), and every error as
 * application/problem+json.
 */
export default async function apiV1(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, body: 'own', csrf: false };
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.decorateRequest('api', null);

  app.setErrorHandler((err, req, reply) => {
    const { retryAfter, ...body } = problemFor(err, req);
    if (retryAfter) reply.header('retry-after', retryAfter);
    if (err instanceof ApiProblem && err.extra.headers) reply.headers(err.extra.headers);
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, problem(404, 'not-found', 'No such resource.')));

  await registerOpenApi(app);
  app.addHook('onRequest', bearerAuth);

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  await app.register(meRoutes);
  await app.register(inboxRoutes);
  await app.register(conversationRoutes);
  await app.register(messageRoutes);
  await app.register(contactRoutes);
}
