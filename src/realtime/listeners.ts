import type { FastifyInstance } from 'fastify';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { listInboxesFor } from '../domain/inboxes/service.ts';
import { activeAdminIds, findUserById } from '../domain/users/service.ts';
import { timeFormatter, translator } from '../i18n/index.ts';
import { conversationRow, eventItem, messageItem, type ConversationRow, type TimelineItem } from '../domain/conversations/queries.ts';
import type { LiveClient } from './hub.ts';

/** The tab's whole navigation as an out-of-band fragment: the user's inboxes and role now, in their language, the open page marked. */
export function navFragment(app: FastifyInstance, client: LiveClient): string {
  const user = findUserById(app.domain, client.userId);
  if (!user) return '';
  return app.views.render('partials/nav', {
    t: translator(user.locale ?? client.locale),
    navInboxes: listInboxesFor(app.domain, { id: user.id, role: user.role }),
    isAdmin: user.role === 'admin',
    path: client.path ?? null,
    oob: true,
  });
}

/** Turns domain events into pushed fragments, each rendered for, and sent only to, the users allowed to see it. */
export function registerRealtimeListeners(app: FastifyInstance): void {
  const { domain, hub } = app;
  const nav = (client: LiveClient): string => navFragment(app, client);
  const refreshNavOf = (inboxId: number, extra: number[] = []): void => hub.push([...inboxAudience(domain, inboxId), ...extra], nav);

  domain.events.on('inbox.created', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.renamed', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.members.changed', ({ inboxId, removed }) => refreshNavOf(inboxId, removed));
  const timelineUpdate = (conversationId: number, item: TimelineItem | undefined) => (client: LiveClient): string => {
    if (!item) return '';
    const data = { t: translator(client.locale), time: timeFormatter(client.locale), item };
    return `<hx-upsert hx-target="#timeline-${conversationId}" key="data-order" sort>${app.views.render('partials/timeline-item', data)}</hx-upsert>`;
  };
  const listUpdate = (inboxId: number, c: ConversationRow | undefined) => (client: LiveClient): string => {
    if (!c || c.status !== 'open') return '';
    const data = { t: translator(client.locale), time: timeFormatter(client.locale), c };
    return `<hx-upsert hx-target="#conversations-${inboxId}" key="data-order" sort="desc">${app.views.render('partials/conversation-row', data)}</hx-upsert>`;
  };
  const pushMessage = ({ conversationId, messageId, inboxId }: { conversationId: number; messageId: number; inboxId: number }) => {
    // Every status change of every text lands here: with nobody watching, loading and rendering would be wasted work.
    if (!hub.anyoneConnected()) return;
    const timeline = timelineUpdate(conversationId, messageItem(domain, messageId));
    const list = listUpdate(inboxId, conversationRow(domain, conversationId));
    hub.push(inboxAudience(domain, inboxId), (client) => timeline(client) + list(client));
  };
  domain.events.on('message.created', pushMessage);
  domain.events.on('message.updated', pushMessage);
  domain.events.on('conversation.event', ({ conversationId, eventId, inboxId }) =>
    hub.push(inboxAudience(domain, inboxId), timelineUpdate(conversationId, eventItem(domain, eventId))),
  );
  app.messaging.changed.on('state', () => {
    const connections = app.messaging.channels.map((c) => c.state());
    hub.push(activeAdminIds(domain), (client) =>
      app.views.render('partials/admin-connections', { t: translator(client.locale), time: timeFormatter(client.locale), connections, oob: true }),
    );
  });
  domain.events.on('user.changed', ({ userId }) => hub.push([userId], nav));
  domain.events.on('user.sessions.ended', ({ userId, except }) =>
    hub.signOut((c) => c.userId === userId && c.sessionId !== except),
  );
}
