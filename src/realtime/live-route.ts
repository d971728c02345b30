import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { offlineAtStart, tabsClosed, tabsOpened } from '../domain/users/presence.ts';
import { findUserById } from '../domain/users/service.ts';
import { locales } from '../i18n/index.ts';
import { timeZoneOf } from '../presenters/viewer.ts';
import { drawer } from './fragments.ts';
import { tabView } from './tab-view.ts';

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The typing signal with the headers hx-ws adds (the form token, htmx's own): anything longer is not one. */
const TYPING_SIGNAL_MAX_BYTES = 2048;

/** What a tab may say on its socket: that its user is typing a reply (hx-ws sends the values as JSON). */
function isTypingSignal(data: Buffer | ArrayBuffer | Buffer[], binary: boolean): boolean {
  if (binary || !Buffer.isBuffer(data) || data.length > TYPING_SIGNAL_MAX_BYTES) return false;
  try {
    return (JSON.parse(data.toString('utf8')) as { typing?: unknown } | null)?.typing === true;
  } catch {
    return false;
  }
}

/** What the tab says when it connects: the page it shows, and the language it was drawn in; anything else is ignored. */
const tabQuery = z.object({
  path: z.string().optional().catch(undefined),
  lang: z.string().optional().catch(undefined),
});

/** One WebSocket per open tab: the server pushes HTML fragments; the browser says only that its user is typing. */
export default async function liveRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Availability follows the tabs (the rules: src/domain/users/presence.ts). Nobody has a tab at start-up.
  offlineAtStart(app.domain);
  app.hub.presence.listeners.push((userId, online) =>
    // After the joining tab's catch-up below; a failure is logged, never thrown into the socket's events.
    queueMicrotask(() => {
      try {
        if (online) tabsOpened(app.domain, userId);
        else tabsClosed(app.domain, userId);
      } catch (err) {
        app.log.error({ err, userId }, 'presence update failed');
      }
    }),
  );

  app.get(
    '/live',
    {
      websocket: true,
      schema: { querystring: tabQuery },
      preValidation: async (req, reply) => {
        if (!req.auth) return reply.code(401).send('sign in first');
        // Browsers send cookies on cross-site WebSocket handshakes; only our own pages may open one.
        const origin = req.headers.origin;
        const publicUrl = app.configStore.current.server.public_url;
        const ownHost = publicUrl ? new URL(publicUrl).host : req.host;
        if (origin !== undefined && originHost(origin) !== ownHost) return reply.code(403).send('cross-origin');
      },
    },
    (socket, req) => {
      const auth = req.auth!;
      const query = req.query;
      const raw = query.path;
      // Shapes what is pushed (the nav's current link, a list's filters); anything but a local path and query is ignored.
      const path = raw !== undefined && raw.length <= 500 && /^\/[\w\-/]*(\?[\w\-=&%.+]*)?$/.test(raw) ? raw : null;
      const client = {
        socket,
        userId: auth.user.id,
        sessionId: auth.id,
        // The language the page was drawn in (its user's choice, else what the page's request asked for): the
        // handshake's own Accept-Language may differ (a browser or test that sets it for pages only).
        locale: locales.find((l) => l === query.lang) ?? req.locale,
        path,
        view: tabView(path, timeZoneOf(auth.user, app.configStore.current)),
        csrf: auth.csrfToken,
      };
      app.hub.add(client);
      socket.on('message', (data, binary) => {
        if (isTypingSignal(data, binary)) app.hub.typing(client);
      });
      // Catch up on whatever changed while this tab had no socket (page load, network drop, server restart).
      const draw = drawer(app, findUserById(app.domain, client.userId) ?? auth.user, client);
      const settings = client.view.kind === 'page' && client.view.pathname === '/settings';
      app.hub.sendTo(client, draw.nav() + (settings ? draw.availability() : ''));
    },
  );
}
