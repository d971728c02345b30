import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { MessageKey } from '../i18n/index.ts';
import { publicUrlMissing } from '../presenters/public-url.ts';
import { countryOf } from '../presenters/phone.ts';
import { timeZoneOf, viewerLocals, type NavKnown } from '../presenters/viewer.ts';

type Data = Record<string, unknown>;

declare module 'fastify' {
  interface FastifyReply {
    /** A whole page: the layout around `template`, with navigation for a signed-in user. */
    page(template: string, data?: Data): FastifyReply;
    /** One partial, for an htmx swap. */
    fragment(template: string, data?: Data): FastifyReply;
    /** A full page for a browser; the same partial for an htmx request. */
    pageOrFragment(template: string, fragment: string, data?: Data): FastifyReply;
    /** A readable error in the user's language: a page, or an alert fragment for htmx. */
    sendError(key: MessageKey, params?: Record<string, string | number>): FastifyReply;
  }
}

/** The cookie that says this browser dismissed the sandbox banner; its name is static/behaviours/banners.js's too. */
const SANDBOX_BANNER_COOKIE = 'sandbox_banner';

export const isHtmx = (req: FastifyRequest): boolean => req.headers['hx-request'] === 'true';

/** The request's viewer; `given` may override any of it, and hand the navigation what it read anyway (`navKnown`). */
function requestLocals(req: FastifyRequest, reply: FastifyReply, given: Data, withNav: boolean): Data {
  const user = req.auth?.user ?? null;
  const config = req.server.configStore.current;
  const timeZone = timeZoneOf(user, config);
  const viewer = {
    locale: req.locale,
    timeZone,
    country: countryOf(timeZone, config),
    user,
    csrf: req.csrfToken(reply),
    path: req.url,
  };
  const known = given.navKnown as NavKnown | undefined;
  const sandbox = req.server.messaging.simulator !== null;
  const notices = { sandbox, publicUrlMissing: publicUrlMissing(req.server.configStore.current, sandbox) };
  // Only admins can act on it; asking costs a disk probe every few seconds.
  const diskTrouble = viewer.user?.role === 'admin' ? req.server.writeHealth.trouble() : null;
  // Dismissed once per browser (static/behaviours/banners.js sets the cookie): not drawn again, so no flash of it.
  const sandboxBanner = sandbox && req.cookies[SANDBOX_BANNER_COOKIE] !== 'dismissed';
  const locals = viewerLocals(req.server.domain, viewer, { nav: withNav, ...notices, known });
  return { ...locals, diskTrouble, sandboxBanner, ...given };
}

async function replyDecorators(app: FastifyInstance): Promise<void> {
  /** Sends once drawn (@fastify/view renders in a promise): handlers and hooks return the reply, and Fastify waits. */
  const render = (reply: FastifyReply, template: string, data: Data): FastifyReply => {
    const locals = requestLocals(reply.request, reply, data, template.startsWith('pages/'));
    reply.viewAsync(template, locals).then(
      (html) => reply.send(html),
      (err: unknown) => reply.send(err),
    );
    return reply;
  };
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Data = {}) {
    return render(this, template, data);
  });
  app.decorateReply('fragment', function (this: FastifyReply, template: string, data: Data = {}) {
    this.header('Vary', 'HX-Request');
    return render(this, template, data);
  });
  app.decorateReply(
    'pageOrFragment',
    function (this: FastifyReply, template: string, fragment: string, data: Data = {}) {
      this.header('Vary', 'HX-Request');
      return render(this, isHtmx(this.request) ? fragment : template, data);
    },
  );
  app.decorateReply(
    'sendError',
    function (this: FastifyReply, key: MessageKey, params?: Record<string, string | number>) {
      const message = this.request.t(key, params);
      if (isHtmx(this.request)) return render(this, 'partials/alert', { message });
      return render(this, 'pages/error', { message, status: this.statusCode });
    },
  );
}

export default fp(replyDecorators, { dependencies: ['@fastify/view'] });
