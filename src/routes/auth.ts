import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PENDING_MS, startPendingSignIn } from '../domain/accounts/pending-sign-in.ts';
import { hasTwoFactor } from '../domain/accounts/two-factor.ts';
import { authenticate } from '../domain/auth/login.ts';
import { signInPolicy } from '../domain/auth/sign-in-throttle.ts';
import { createSession, deleteSession } from '../domain/auth/sessions.ts';
import { DomainError } from '../domain/errors.ts';
import { adoptBrowserTimeZone } from '../domain/users/time-zone.ts';
import { requireUser, secureCookies, SESSION_COOKIE, setSessionCookie } from '../plugins/auth.ts';
import { isHtmx } from '../plugins/render.ts';
import { form, queryText, text } from './schemas.ts';

/** A path on this site: one slash, then printable ASCII (browsers drop tabs and newlines: `/\t/x` is `//x`). */
const SAME_SITE_PATH = /^\/(?![/\\])[\x21-\x7e]*$/;
const BASE = 'http://switchboard.invalid';

/**
 * Only a path on this site: `next` must never send a user elsewhere after sign-in. The value returned is checked,
 * not the value typed: the parser resolves dot segments and backslashes, so `/.//evil.example` or `/a/..//x`
 * come out as `//…`, another host.
 */
function safeNext(raw: string | undefined): string {
  if (raw === undefined || !SAME_SITE_PATH.test(raw)) return '/';
  const url = new URL(raw, BASE);
  const next = url.pathname + url.search + url.hash;
  return url.origin === BASE && SAME_SITE_PATH.test(next) ? next : '/';
}

/** Holds a sign-in whose second factor is still due; sent only to /login/… */
export const PENDING_COOKIE = 'sb_pending';

/** The sign-in succeeded (every factor): a new session, and on to `next`. */
export function startSession(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: number,
  next: string,
): FastifyReply {
  // A fresh id on every sign-in: a session id planted before login is worth nothing after it.
  if (req.auth) {
    const replaced = req.auth.id;
    deleteSession(app.domain, replaced);
    app.hub.signOut((c) => c.sessionId === replaced);
  }
  const session = createSession(app.domain, userId);
  setSessionCookie(app, reply, session.token);
  req.log.info({ userId }, 'signed in');
  return reply.redirect(next, 303);
}

const loginForm = form({ email: text, password: text, next: text, time_zone: text });

export default async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/login', { schema: { querystring: z.object({ next: queryText }) } }, async (req, reply) => {
    if (req.auth) return reply.redirect('/', 303);
    return reply.page('pages/login', {
      next: safeNext(req.query.next),
      email: '',
      error: null,
    });
  });

  app.post('/login', { schema: { body: loginForm } }, async (req, reply) => {
    const { email, password, time_zone: browserZone } = req.body;
    const next = safeNext(req.body.next);
    try {
      const user = await authenticate(
        app.domain,
        { email, password, ip: req.ip },
        signInPolicy(app.configStore.current.auth),
      );
      // From the first sign-in on, times are shown in the zone of the browser the person signed in with.
      adoptBrowserTimeZone(app.domain, user.id, browserZone);
      if (hasTwoFactor(app.domain.db, user.id)) {
        const token = startPendingSignIn(app.domain, user.id, next);
        reply.setCookie(PENDING_COOKIE, token, {
          path: '/login',
          httpOnly: true,
          sameSite: 'lax',
          secure: secureCookies(app),
          maxAge: PENDING_MS / 1000,
        });
        req.log.info({ userId: user.id }, 'password right; second factor due');
        return reply.redirect('/login/code', 303);
      }
      return startSession(app, req, reply, user.id, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      req.log.info({ reason: err.key }, 'sign-in refused');
      return reply.code(err.status).page('pages/login', { next, email, error: req.t(err.key, err.params) });
    }
  });

  app.post('/logout', { preHandler: requireUser, schema: { body: form({}) } }, async (req, reply) => {
    const sessionId = req.auth!.id;
    deleteSession(app.domain, sessionId);
    app.hub.signOut((c) => c.sessionId === sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    if (isHtmx(req)) return reply.header('HX-Redirect', '/login').code(204).send();
    return reply.redirect('/login', 303);
  });
}
