import fp from 'fastify-plugin';
import { purgeExpiredSessions } from '../domain/auth/sessions.ts';
import { watchOutsideWrites } from '../db/outside-writes.ts';
import { sessionLimits } from './auth.ts';

const EVERY_MS = 60_000;
// A password reset or deactivation from the command line must close that person's tabs at once, not at the next sweep.
const OUTSIDE_WRITES_EVERY_MS = 1_000;

/**
 * Deletes expired sessions and closes the live sockets of sessions that are gone, so an expired tab hears
 * nothing more; sessions ended by another process are swept as soon as its write is seen.
 */
export default fp(async (app) => {
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      purgeExpiredSessions(app.domain, sessionLimits(app));
      app.hub.sweep();
    }, EVERY_MS);
    timer.unref();
    unwatch = watchOutsideWrites(app.domain.db.$client, OUTSIDE_WRITES_EVERY_MS, () => app.hub.sweep());
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    unwatch?.();
  });
});
