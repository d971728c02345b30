import type { FastifyInstance } from 'fastify';
import { resetFor, useResetLink } from '../domain/accounts/password-reset.ts';
import { field, formErrorsOf } from './forms.ts';

/** The page behind an admin's reset link: no sign-in; the unguessable token is the key, once. */
export default async function passwordResetRoutes(app: FastifyInstance): Promise<void> {
  const tokenOf = (params: unknown): string => String((params as Record<string, string>).token ?? '');

  app.get('/reset/:token', async (req, reply) => {
    // The token must not leave in a Referer header.
    reply.header('referrer-policy', 'no-referrer');
    return reply.page('pages/reset-password', {
      ...resetFor(app.domain, tokenOf(req.params)),
      done: false,
      errors: {},
    });
  });

  app.post('/reset/:token', async (req, reply) => {
    const token = tokenOf(req.params);
    reply.header('referrer-policy', 'no-referrer');
    try {
      await useResetLink(app.domain, token, field(req, 'password'), req.ip);
      req.log.info('password set through a reset link; sessions ended');
      return reply.page('pages/reset-password', { email: '', done: true, errors: {} });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply
        .code(refused.status)
        .page('pages/reset-password', { ...resetFor(app.domain, token), done: false, errors: refused.errors });
    }
  });
}
