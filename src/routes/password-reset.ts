import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resetFor, useResetLink } from '../domain/accounts/password-reset.ts';
import { formErrorsOf } from './forms.ts';
import { form, text } from './schemas.ts';

/** The page behind an admin's reset link: no sign-in; the unguessable token is the key, once. */
/** Any token: one that is wrong or used up is told on the page (the domain checks it). */
const tokenParams = z.object({ token: z.string() });

export default async function passwordResetRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/reset/:token', { schema: { params: tokenParams } }, async (req, reply) => {
    // The token must not leave in a Referer header.
    reply.header('referrer-policy', 'no-referrer');
    return reply.page('pages/reset-password', {
      ...resetFor(app.domain, req.params.token),
      done: false,
      errors: {},
    });
  });

  app.post('/reset/:token', { schema: { params: tokenParams, body: form({ password: text }) } }, async (req, reply) => {
    const { token } = req.params;
    reply.header('referrer-policy', 'no-referrer');
    try {
      await useResetLink(app.domain, token, req.body.password, req.ip);
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
