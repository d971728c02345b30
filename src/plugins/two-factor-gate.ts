import fp from 'fastify-plugin';
import { hasTwoFactor } from '../domain/accounts/two-factor.ts';
import { isHtmx } from './render.ts';

export const ENROL_PATH = '/settings/two-factor';

/** What someone who must enrol may still reach: the enrolment itself, signing out, and what pages are made of. */
const OPEN = [ENROL_PATH, '/logout', '/static/', '/healthz'];

/**
 * `[auth] require_2fa`: a signed-in member of a listed role without two-factor sign-in is sent to enrol, and
 * every other request is refused until they have. Runs after the session is resolved (plugins/auth.ts).
 */
export default fp(async (app) => {
  app.addHook('onRequest', async (req, reply) => {
    const user = req.auth?.user;
    if (!user || !app.configStore.current.auth.require_2fa.includes(user.role)) return;
    const path = req.url.split('?')[0]!;
    if (OPEN.some((open) => path === open || path.startsWith(open.endsWith('/') ? open : `${open}/`))) return;
    if (hasTwoFactor(app.domain.db, user.id)) return;
    if (isHtmx(req)) return reply.header('HX-Redirect', ENROL_PATH).code(403).send('');
    if (req.method === 'GET' || req.method === 'HEAD') return reply.redirect(ENROL_PATH, 303);
    return reply.code(403).sendError('two_factor.required');
  });
});
