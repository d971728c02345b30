import type { FastifyInstance } from 'fastify';
import { contactHistory } from '../domain/contacts/service.ts';
import { eventItem, messageItem, type TimelineItem } from '../domain/conversations/timeline.ts';
import { inboxAudience } from '../domain/inboxes/access.ts';
import { activeAdminIds } from '../domain/users/service.ts';
import { registerChatListeners } from './chat-listeners.ts';
import { tabRenderer, tabView } from './fragments.ts';
import type { LiveClient } from './hub.ts';

/** The tab's whole navigation as an out-of-band fragment: the user's inboxes, unread count and role now, the open page marked. */
export function navFragment(app: FastifyInstance, client: LiveClient): string {
  return tabRenderer(app, client).nav();
}

/** Turns domain events into pushed fragments, each rendered for, and sent only to, the users allowed to see it. */
export function registerRealtimeListeners(app: FastifyInstance): void {
  const { domain, hub } = app;
  const nav = (client: LiveClient): string => navFragment(app, client);
  const audience = (...inboxIds: (number | undefined)[]): number[] =>
    inboxIds.flatMap((id) => (id === undefined ? [] : inboxAudience(domain, id)));
  const refreshNavOf = (inboxId: number, extra: number[] = []): void => hub.push([...audience(inboxId), ...extra], nav);

  domain.events.on('inbox.created', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.renamed', ({ inboxId }) => refreshNavOf(inboxId));
  domain.events.on('inbox.members.changed', ({ inboxId, removed }) => refreshNavOf(inboxId, removed));

  /** What a change to one conversation means for each tab: its timeline, header, panel, list row, navigation. */
  const pushConversation = (
    inboxIds: (number | undefined)[],
    conversationId: number,
    what: { timeline?: () => TimelineItem | undefined; header?: boolean; panel?: boolean; row?: boolean; nav?: boolean },
  ) => {
    // Every text and every status change lands here: with nobody watching, nothing is loaded or rendered.
    if (!hub.anyoneConnected()) return;
    let item: TimelineItem | undefined | null = null;
    const timelineItem = () => (item === null ? (item = what.timeline!()) : item);
    hub.push(audience(...inboxIds), (client) => {
      const view = tabView(client.path);
      const r = tabRenderer(app, client);
      let html = what.nav ? r.nav() : '';
      if (view.kind === 'conversation' && view.id === conversationId) {
        if (what.timeline) html += r.timelineItem(conversationId, timelineItem());
        if (what.header || what.panel) html += r.conversationParts(conversationId, { header: what.header, panel: what.panel });
      }
      if (view.kind === 'list' && what.row) html += r.listRow(view.query, conversationId);
      return html;
    });
  };

  // A customer's text changes unread counts; an agent's reply only the row's preview and order.
  domain.events.on('message.created', ({ conversationId, messageId, inboxId, direction }) =>
    pushConversation([inboxId], conversationId, { timeline: () => messageItem(domain, messageId), row: true, nav: direction === 'in' }),
  );
  // A status change (or a reaction) shows only in the open conversation.
  domain.events.on('message.updated', ({ conversationId, messageId, inboxId }) =>
    pushConversation([inboxId], conversationId, { timeline: () => messageItem(domain, messageId) }),
  );
  domain.events.on('conversation.event', ({ conversationId, eventId, inboxId }) =>
    pushConversation([inboxId], conversationId, { timeline: () => eventItem(domain, eventId) }),
  );
  // The panel is redrawn only when its content changed: it may hold a half-filled form.
  domain.events.on('conversation.changed', ({ conversationId, inboxId, fromInboxId, contact }) =>
    pushConversation([inboxId, fromInboxId], conversationId, { header: true, panel: contact === true, row: true, nav: true }),
  );
  domain.events.on('conversation.read', ({ conversationId, userId }) =>
    hub.push([userId], (client) => {
      const view = tabView(client.path);
      const r = tabRenderer(app, client);
      return r.nav() + (view.kind === 'list' ? r.listRow(view.query, conversationId) : '');
    }),
  );
  domain.events.on('pins.changed', ({ userId, conversationId }) =>
    hub.push([userId], (client) => {
      const view = tabView(client.path);
      const r = tabRenderer(app, client);
      if (view.kind === 'list') return r.pinned(view.query) + r.listRow(view.query, conversationId);
      if (view.kind === 'conversation' && view.id === conversationId) return r.conversationParts(conversationId, { header: true });
      return '';
    }),
  );
  domain.events.on('inbox.settings.changed', ({ inboxId }) =>
    hub.push(audience(inboxId), (client) => {
      const view = tabView(client.path);
      return view.kind === 'conversation' ? tabRenderer(app, client).conversationParts(view.id, { header: true }) : '';
    }),
  );
  // Contacts are shared by the whole team: whoever has one of their conversations open, or listed, sees the new details.
  domain.events.on('contact.changed', ({ contactId }) =>
    hub.push(hub.connectedUsers(), (client) => {
      const view = tabView(client.path);
      const r = tabRenderer(app, client);
      if (view.kind === 'conversation') return r.conversationParts(view.id, { header: true, panel: true, ofContact: contactId });
      if (view.kind !== 'list' || !r.actor) return '';
      return contactHistory(domain, r.actor, contactId).map((c) => r.listRow(view.query, c.id)).join('');
    }),
  );
  app.messaging.changed.on('state', () => {
    const connections = app.messaging.channels.map((c) => c.state());
    hub.push(activeAdminIds(domain), (client) => tabRenderer(app, client).partial('partials/admin-connections', { connections }));
  });
  domain.events.on('user.changed', ({ userId }) => hub.push([userId], nav));
  registerChatListeners(app);
  // A notification shows in its user's tabs only; a settings page there shows the availability as it moved.
  domain.events.on('notification.created', ({ notificationId, userId }) => hub.push([userId], (client) => tabRenderer(app, client).toast(notificationId)));
  domain.events.on('presence.changed', ({ userId }) => hub.push([userId], (client) => tabRenderer(app, client).availability()));
  domain.events.on('user.sessions.ended', ({ userId, except }) =>
    hub.signOut((c) => c.userId === userId && c.sessionId !== except),
  );
}
