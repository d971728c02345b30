import type { FastifyInstance } from 'fastify';
import { authenticate } from '../domain/auth/login.ts';
import { createSession, deleteSession } from '../domain/auth/sessions.ts';
import { DomainError } from '../domain/errors.ts';
import { requireUser, SESSION_COOKIE, setSessionCookie } from '../plugins/auth.ts';
import { field } from './forms.ts';

/** Only local paths: `next` must never send a user to another site after sign-in. */
function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])/.test(raw) ? raw : '/';
}

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  app.get('/login', async (req, reply) => {
    if (req.auth) return reply.redirect('/', 303);
    return reply.page('pages/login', { next: safeNext((req.query as Record<string, unknown>).next), email: '', error: null });
  });

  app.post('/login', async (req, reply) => {
    const email = field(req, 'email');
    const next = safeNext(field(req, 'next'));
    const { auth } = app.configStore.current;
    try {
      const user = await authenticate(
        app.domain,
        { email, password: field(req, 'password'), ip: req.ip },
        { attempts: auth.login_attempts, windowMs: auth.login_window_minutes * 60_000 },
      );
      // A fresh id on every sign-in: a session id planted before login is worth nothing after it.
      if (req.auth) deleteSession(app.domain, req.auth.id);
      const session = createSession(app.domain, user.id);
      setSessionCookie(app, reply, session.token);
      req.log.info({ userId: user.id }, 'signed in');
      return reply.redirect(next, 303);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      req.log.info({ reason: err.key }, 'sign-in refused');
      return reply.code(err.status).page('pages/login', { next, email, error: req.t(err.key, err.params) });
    }
  });

  app.post('/logout', { preHandler: requireUser }, async (req, reply) => {
    const sessionId = req.auth!.id;
    deleteSession(app.domain, sessionId);
    app.hub.signOut((c) => c.sessionId === sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    if (req.headers['hx-request']) return reply.header('HX-Redirect', '/login').code(204).send();
    return reply.redirect('/login', 303);
  });
}
