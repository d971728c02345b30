import { chatUnreadTotal } from '../domain/chats/list.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { listInboxesFor, type Inbox } from '../domain/inboxes/service.ts';
import { ageFormatter, timeFormatter, type MessageKey } from '../i18n/index.ts';
import { renderMarkdown } from '../formatting/markdown.ts';
import { humanSize } from '../domain/media/attachments.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import { UNREAD_CAP, unreadCount } from '../domain/conversations/list.ts';

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

/**
 * What the navigation shows a user: their inboxes, the unread count, the lists their role may open.
 * `inboxes`: the user's inboxes when the page has read them already (`listInboxesFor`), so they are read once.
 */
export function navData(domain: DomainContext, actor: Actor, inboxes?: Inbox[]) {
  const unread = unreadCount(domain, actor);
  return {
    navInboxes: inboxes ?? listInboxesFor(domain, actor),
    navUnread: unread === 0 ? '' : unread >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(unread),
    // Spam (to undo it) and surveys are managers' lists.
    navManager: isManager(actor),
    navChatsUnread: chatUnreadTotal(domain, actor),
  };
}

export const isHtmx = (req: FastifyRequest): boolean => req.headers['hx-request'] === 'true';

/**
 * What every template may use; `given` may already hold some of it (a page that lists the inboxes anyway).
 * Only whole pages draw the navigation, so fragments (the composer's counter runs on every keystroke) skip its query.
 */
export function baseData(req: FastifyRequest, reply: FastifyReply, given: Data, withNav: boolean): Data {
  const user = req.auth?.user ?? null;
  const app = req.server;
  return {
    t: req.t,
    locale: req.locale,
    user,
    isAdmin: user?.role === 'admin',
    csrf: req.csrfToken(reply),
    // With the query: lists are told apart by it (the nav marks the current one, the live socket filters pushes by it).
    path: req.url,
    time: timeFormatter(req.locale),
    age: ageFormatter(req.t, app.domain.now),
    markdown: renderMarkdown,
    fileSize: humanSize,
    sandbox: app.messaging.simulator !== null,
    ...(user && withNav ? navData(app.domain, { id: user.id, role: user.role }, given.navInboxes as Inbox[] | undefined) : { navInboxes: [], navUnread: '', navManager: false, navChatsUnread: 0 }),
    ...given,
  };
}

export default fp(async (app) => {
  const render = (reply: FastifyReply, template: string, data: Data): FastifyReply => {
    const html = app.views.render(template, baseData(reply.request, reply, data, template.startsWith('pages/')));
    return reply.type('text/html; charset=utf-8').send(html);
  };
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Data = {}) {
    return render(this, template, data);
  });
  app.decorateReply('fragment', function (this: FastifyReply, template: string, data: Data = {}) {
    this.header('Vary', 'HX-Request');
    return render(this, template, data);
  });
  app.decorateReply('pageOrFragment', function (this: FastifyReply, template: string, fragment: string, data: Data = {}) {
    this.header('Vary', 'HX-Request');
    return render(this, isHtmx(this.request) ? fragment : template, data);
  });
  app.decorateReply('sendError', function (this: FastifyReply, key: MessageKey, params?: Record<string, string | number>) {
    const message = this.request.t(key, params);
    if (isHtmx(this.request)) return render(this, 'partials/alert', { message });
    return render(this, 'pages/error', { message, status: this.statusCode });
  });
});
