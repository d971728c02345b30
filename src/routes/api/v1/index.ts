import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { bearerAuth, scope } from './bearer.ts';
import contactRoutes from './contacts.ts';
import conversationRoutes from './conversations.ts';
import inboxRoutes from './inboxes.ts';
import messageRoutes from './messages.ts';
import meRoutes from './me.ts';
import { registerOpenApi } from './openapi.ts';
import { ApiProblem, problem, problemFor, sendProblem } from './problem.ts';
import referenceRoutes from './reference.ts';
import searchRoutes from './search.ts';

/**
 * The REST API, registered at /api/v1: its own encapsulated world. JSON bodies (the app reads forms everywhere
 * else; a send may carry files as multipart), bearer tokens only (never the session cookie, so no CSRF), and every error as
 * application/problem+json.
 */
export default async function apiV1(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, body: route.config?.body ?? 'json', csrf: false };
    const needed = route.config.scope;
    if (!needed) return;
    // Checked before the request is validated (a token without the scope hears only that), and documented.
    route.preValidation = [scope(needed), ...[route.preValidation ?? []].flat()];
    const said = `Needs the scope \`${needed}\`.`;
    route.schema = {
      ...route.schema,
      description: route.schema?.description ? `${route.schema.description}\n\n${said}` : said,
    };
  });
  // The multipart parser stays (it only marks the request): the app's gate lets it through to the send route
  // alone, which reads the files itself (src/routes/uploads.ts).
  app.removeContentTypeParser('application/x-www-form-urlencoded');
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
  // Per token, after it is known (its hook runs after bearerAuth): one busy script never slows another's.
  await app.register(rateLimit, {
    max: () => app.configStore.current.api.requests_per_minute,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.api ? `token:${req.api.tokenId}` : `address:${req.ip}`),
    errorResponseBuilder: (_req, context) =>
      new ApiProblem(
        429,
        'rate-limited',
        `Too many requests: ${context.max} a minute per token. Try again in ${context.after}.`,
      ),
  });

  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  await app.register(referenceRoutes);
  await app.register(meRoutes);
  await app.register(inboxRoutes);
  await app.register(conversationRoutes);
  await app.register(messageRoutes);
  await app.register(contactRoutes);
  await app.register(searchRoutes);
}
