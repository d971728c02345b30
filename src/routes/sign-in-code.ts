import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { finishPendingSignIn, pendingSignIn } from '../domain/accounts/pending-sign-in.ts';
import { signInPolicy } from '../domain/auth/sign-in-throttle.ts';
import { DomainError } from '../domain/errors.ts';
import { form, text } from './schemas.ts';
import { PENDING_COOKIE, startSession } from './auth.ts';

/** The second step of a sign-in with two-factor on: no session exists until a code passes. */
export default async function signInCodeRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const pendingOf = (req: FastifyRequest) => pendingSignIn(app.domain, req.cookies[PENDING_COOKIE]);
  const expired = (req: FastifyRequest, reply: FastifyReply) => {
    reply.clearCookie(PENDING_COOKIE, { path: '/login' });
    return reply.code(401).page('pages/login', { next: '/', email: '', error: req.t('two_factor.sign_in_expired') });
  };

  app.get('/login/code', async (req, reply) => {
    if (!pendingOf(req)) return reply.redirect('/login', 303);
    return reply.page('pages/login-code', { errors: {} });
  });

  app.post('/login/code', { schema: { body: form({ code: text, recovery: text }) } }, async (req, reply) => {
    const pending = pendingOf(req);
    if (!pending) return expired(req, reply);
    try {
      await finishPendingSignIn(
        app.domain,
        pending,
        { code: req.body.code, recovery: req.body.recovery, ip: req.ip },
        signInPolicy(app.configStore.current.auth),
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.status === 410) return expired(req, reply);
      req.log.info({ reason: err.key }, 'second factor refused');
      return reply
        .code(err.status)
        .page('pages/login-code', { errors: { [err.field ?? 'code']: req.t(err.key, err.params) } });
    }
    reply.clearCookie(PENDING_COOKIE, { path: '/login' });
    return startSession(app, req, reply, pending.userId, pending.next);
  });
}
