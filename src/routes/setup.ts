import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSession } from '../domain/auth/sessions.ts';
import { equalSecret } from '../domain/auth/secret.ts';
import { countUsers, createFirstAdmin } from '../domain/users/service.ts';
import { adoptBrowserTimeZone } from '../domain/users/time-zone.ts';
import { setSessionCookie } from '../plugins/auth.ts';
import { formErrorsOf } from './forms.ts';
import { form, queryText, text } from './schemas.ts';

function tokenMatches(app: FastifyInstance, given: string | undefined): boolean {
  const expected = app.setup.token;
  return expected !== null && given !== undefined && equalSecret(expected, given);
}

const setupQuery = z.object({ token: queryText });
const setupForm = form({ token: text, email: text, name: text, password: text, time_zone: text });

/** First run: the link with the logged token creates the first admin, then the page is gone for good. */
export default async function setupRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Without the logged token the page does not exist.
  app.get('/setup', { schema: { querystring: setupQuery } }, async (req, reply) => {
    if (!tokenMatches(app, req.query.token)) return reply.code(404).sendError('error.not_found');
    return reply.page('pages/setup', { token: req.query.token, values: {}, errors: {} });
  });

  app.post('/setup', { schema: { body: setupForm } }, async (req, reply) => {
    if (!tokenMatches(app, req.body.token)) return reply.code(404).sendError('error.not_found');
    const values = { email: req.body.email, name: req.body.name };
    // Taken before the slow password hash, so two racing submissions cannot both create an admin.
    const token = app.setup.token;
    app.setup.token = null;
    try {
      const user = await createFirstAdmin(app.domain, { ...values, password: req.body.password }, req.ip);
      adoptBrowserTimeZone(app.domain, user.id, req.body.time_zone);
      const session = createSession(app.domain, user.id);
      setSessionCookie(app, reply, session.token);
      req.log.info({ userId: user.id }, 'first admin created; setup closed');
      return reply.redirect('/', 303);
    } catch (err) {
      app.setup.token = countUsers(app.domain) === 0 ? token : null;
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply.code(refused.status).page('pages/setup', { token: req.body.token, values, errors: refused.errors });
    }
  });
}
