import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createSession } from '../domain/auth/sessions.ts';
import { equalSecret } from '../domain/auth/secret.ts';
import { countUsers, createFirstAdmin } from '../domain/users/service.ts';
import { adoptBrowserTimeZone } from '../domain/users/time-zone.ts';
import { setSessionCookie } from '../plugins/auth.ts';
import { field, formErrorsOf } from './forms.ts';

function tokenMatches(app: FastifyInstance, given: unknown): boolean {
  const expected = app.setup.token;
  return expected !== null && typeof given === 'string' && equalSecret(expected, given);
}

/** First run: the link with the logged token creates the first admin, then the page is gone for good. */
export default async function setupRoutes(app: FastifyInstance): Promise<void> {
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    const token = req.method === 'GET' ? (req.query as Record<string, unknown>).token : field(req, 'token');
    if (!tokenMatches(app, token)) return reply.code(404).sendError('error.not_found');
  };

  app.get('/setup', { preHandler: guard }, async (req, reply) =>
    reply.page('pages/setup', { token: (req.query as Record<string, string>).token, values: {}, errors: {} }),
  );

  app.post('/setup', { preHandler: guard }, async (req, reply) => {
    const values = { email: field(req, 'email'), name: field(req, 'name') };
    // Taken before the slow password hash, so two racing submissions cannot both create an admin.
    const token = app.setup.token;
    app.setup.token = null;
    try {
      const user = await createFirstAdmin(app.domain, { ...values, password: field(req, 'password') }, req.ip);
      adoptBrowserTimeZone(app.domain, user.id, field(req, 'time_zone'));
      const session = createSession(app.domain, user.id);
      setSessionCookie(app, reply, session.token);
      req.log.info({ userId: user.id }, 'first admin created; setup closed');
      return reply.redirect('/', 303);
    } catch (err) {
      app.setup.token = countUsers(app.domain) === 0 ? token : null;
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply
        .code(refused.status)
        .page('pages/setup', { token: field(req, 'token'), values, errors: refused.errors });
    }
  });
}
