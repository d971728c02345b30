import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { equalSecret } from '../domain/auth/secret.ts';
import { secureCookies } from './auth.ts';

/** Before sign-in there is no session row to hold a token, so the login and setup forms pair a cookie with the form (double submit). */
const PRE_SESSION_COOKIE = 'sb_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken(reply: FastifyReply): string;
  }
  interface FastifyContextConfig {
    /** false for machine endpoints (a carrier posting to us) that authenticate every request themselves and use no cookie. */
    csrf?: boolean;
  }
}

function presented(req: FastifyRequest): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  // The form's field, as the route's schema kept it (src/routes/schemas.ts `form`).
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && '_csrf' in body && typeof body._csrf === 'string'
    ? body._csrf
    : undefined;
}

/** Every state-changing request must carry the token: the session's own, or the pre-session cookie's. */
export default fp(async (app) => {
  app.decorateRequest('csrfToken', function (this: FastifyRequest, reply: FastifyReply) {
    if (this.auth) return this.auth.csrfToken;
    let token = this.cookies[PRE_SESSION_COOKIE];
    if (!token) {
      token = randomBytes(32).toString('base64url');
      this.cookies[PRE_SESSION_COOKIE] = token;
      reply.setCookie(PRE_SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies(app),
      });
    }
    return token;
  });

  app.addHook('preHandler', async (req, reply) => {
    if (SAFE_METHODS.has(req.method) || req.routeOptions.config.csrf === false) return;
    const expected = req.auth?.csrfToken ?? req.cookies[PRE_SESSION_COOKIE];
    const given = presented(req);
    if (!expected || !given || !equalSecret(expected, given)) {
      req.log.warn({ url: req.url }, 'CSRF token missing or wrong');
      return reply.code(403).sendError('error.csrf');
    }
  });
});
