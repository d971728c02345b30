import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { resolveSession, type ActiveSession, type SessionLimits } from '../domain/auth/sessions.ts';
import type { Actor } from '../domain/context.ts';
import { pickLocale, translator, type Locale, type Translate } from '../i18n/index.ts';
import { isHtmx } from './render.ts';

export const SESSION_COOKIE = 'sb_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: ActiveSession | null;
    locale: Locale;
    t: Translate;
  }
}

export function sessionLimits(app: FastifyInstance): SessionLimits {
  const { auth } = app.configStore.current;
  return { idleMs: auth.session_idle_hours * 3_600_000, absoluteMs: auth.session_absolute_days * 86_400_000 };
}

export function secureCookies(app: FastifyInstance): boolean {
  return app.configStore.current.server.public_url?.startsWith('https:') ?? false;
}

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(app),
    maxAge: Math.floor(sessionLimits(app).absoluteMs / 1000),
  });
}

/** The signed-in user as the domain layer sees them; routes behind `requireUser` always have one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.auth) throw new Error('actorOf called on a request without a session');
  return { id: req.auth.user.id, role: req.auth.user.role, address: req.ip };
}

/** Resolves the session cookie and the language on every request. */
export default fp(async (app) => {
  app.decorateRequest('auth', null);
  app.decorateRequest('locale', 'en');
  app.decorateRequest('t', null as unknown as Translate);
  app.addHook('onRequest', async (req) => {
    req.auth = resolveSession(app.domain, req.cookies[SESSION_COOKIE], sessionLimits(app));
    req.locale = pickLocale(
      req.auth?.user.locale,
      req.headers['accept-language'],
      app.configStore.current.i18n.default_locale,
    );
    req.t = translator(req.locale);
  });
});

/** preHandler for pages that need a signed-in user: pages redirect to /login, fragments get 401 and a redirect header. */
export async function requireUser(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.auth) return;
  if (isHtmx(req)) {
    reply.header('HX-Redirect', '/login');
    return reply.code(401).send('');
  }
  const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
  return reply.redirect(`/login${next}`, 303);
}
