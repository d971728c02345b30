import type { FastifyInstance } from 'fastify';
import { changeOwnPassword, updateOwnSettings } from '../domain/users/service.ts';
import { setHideTags } from '../domain/tags/service.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { translator } from '../i18n/index.ts';
import { field, formErrorsOf } from './forms.ts';

export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.get('/settings', async (_req, reply) => reply.page('pages/settings', { errors: {}, saved: null }));

  app.post('/settings', async (req, reply) => {
    try {
      const user = updateOwnSettings(app.domain, actorOf(req), { name: field(req, 'name'), locale: field(req, 'locale') });
      req.auth!.user = user;
      // The page is shown again in the language just chosen.
      req.locale = user.locale ?? req.locale;
      req.t = translator(req.locale);
      return reply.page('pages/settings', { errors: {}, saved: 'profile' });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply.code(refused.status).page('pages/settings', { errors: refused.errors, saved: null });
    }
  });

  app.post('/settings/tags', async (req, reply) => {
    setHideTags(app.domain, actorOf(req), field(req, 'hide') === '1');
    req.auth!.user = { ...req.auth!.user, hideTags: field(req, 'hide') === '1' };
    return reply.page('pages/settings', { errors: {}, saved: 'display' });
  });

  app.post('/settings/password', async (req, reply) => {
    try {
      const sessionId = req.auth!.id;
      const { auth } = app.configStore.current;
      await changeOwnPassword(
        app.domain,
        actorOf(req),
        sessionId,
        { current: field(req, 'current'), next: field(req, 'next') },
        { attempts: auth.login_attempts, windowMs: auth.login_window_minutes * 60_000 },
      );
      return reply.page('pages/settings', { errors: {}, saved: 'password' });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply.code(refused.status).page('pages/settings', { errors: refused.errors, saved: null });
    }
  });
}
