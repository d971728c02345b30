import fp from 'fastify-plugin';
import { purgeExpiredSessions } from '../domain/auth/sessions.ts';
import { sessionLimits } from './auth.ts';

const EVERY_MS = 60_000;

/** Deletes expired sessions and closes the live sockets of sessions that are gone, so an expired tab hears nothing more. */
export default fp(async (app) => {
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      purgeExpiredSessions(app.domain, sessionLimits(app));
      app.hub.sweep();
    }, EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
});
