import type { FastifyInstance } from 'fastify';
import type { Actor } from '../domain/context.ts';
import { listConversations, rowInList } from '../domain/conversations/list.ts';
import type { TimelineItem } from '../domain/conversations/timeline.ts';
import { DomainError } from '../domain/errors.ts';
import { findUserById } from '../domain/users/service.ts';
import { toastFor } from '../domain/users/preferences.ts';
import { contactPanel, conversationHeader } from '../presenters/conversation.ts';
import { parseListQuery, upsertSort, type ListQuery } from '../presenters/list-query.ts';
import { viewerLocals } from '../presenters/viewer.ts';
import type { LiveClient } from './hub.ts';

/** What the tab shows, read from the path it reported: a list (with its filters), a conversation, or something else. */
export type TabView = { kind: 'list'; query: ListQuery } | { kind: 'conversation'; id: number } | { kind: 'other' };

export function tabView(path: string | null | undefined): TabView {
  if (!path) return { kind: 'other' };
  const url = new URL(path, 'http://tab');
  const conversation = /^\/conversations\/([1-9]\d{0,15})$/.exec(url.pathname);
  if (conversation) return { kind: 'conversation', id: Number(conversation[1]) };
  if (url.pathname !== '/conversations') return { kind: 'other' };
  try {
    return { kind: 'list', query: parseListQuery(Object.fromEntries(url.searchParams)) };
  } catch {
    return { kind: 'other' };
  }
}

/** Renders partials for one tab as its user would get them from a request: their rights, language and form token. */
export function tabRenderer(app: FastifyInstance, client: LiveClient) {
  const user = findUserById(app.domain, client.userId);
  const actor: Actor | null = user ? { id: user.id, role: user.role } : null;
  const viewer = { locale: user?.locale ?? client.locale, user: user ?? null, csrf: client.csrf, path: client.path ?? null };
  const sandbox = app.messaging.simulator !== null;
  /** The locals of a request from this tab; pushed partials swap themselves in (`oob`). */
  const base = (nav = false) => ({ ...viewerLocals(app.domain, viewer, { nav, sandbox }), oob: true });
  /** A rule may hide the thing from this user by now (removed from the inbox): then there is nothing to send. */
  const guard = (render: () => string): string => {
    try {
      return render();
    } catch (err) {
      if (err instanceof DomainError) return '';
      throw err;
    }
  };
  return {
    actor,
    /** Any partial, drawn with this tab's user, language and form token (nothing for a user who is gone). */
    partial(template: string, data: Record<string, unknown>): string {
      return user ? guard(() => app.views.render(template, { ...base(), ...data })) : '';
    },
    nav(): string {
      if (!user) return '';
      return app.views.render('partials/nav', base(true));
    },
    timelineItem(conversationId: number, item: TimelineItem | undefined): string {
      if (!user || !item) return '';
      const html = app.views.render('partials/timeline-item', { ...base(), item });
      return `<hx-upsert hx-target="#timeline-${conversationId}" key="data-order" sort>${html}</hx-upsert>`;
    },
    /** The conversation's header (and contact panel) redrawn in place, as this user may act on it now. */
    conversationParts(conversationId: number, parts: { header?: boolean; panel?: boolean; ofContact?: number }): string {
      if (!user || !actor) return '';
      return guard(() => {
        // The header's data alone (no timeline); the panel's only when it is redrawn.
        const header = { ...base(), ...conversationHeader(app.domain, actor, conversationId) };
        if (parts.ofContact !== undefined && header.conversation.contactId !== parts.ofContact) return '';
        let html = '';
        if (parts.header) html += app.views.render('partials/conversation-header', header);
        if (!parts.panel || header.conversation.history) return html;
        const data = { ...header, ...contactPanel(app, actor, header.conversation) };
        // The panel's side (contact, opt-out) also decides the banner above the composer.
        return html + app.views.render('partials/contact-panel', data) + app.views.render('partials/send-banners', data);
      });
    },
    /** The conversation's row in a list: upserted where it belongs, redrawn among the pins, or removed when it no longer matches. */
    listRow(query: ListQuery, conversationId: number): string {
      if (!user || !actor) return '';
      return guard(() => {
        const row = rowInList(app.domain, actor, query.filter, conversationId);
        const remove = `<hx-partial hx-target="#conversation-${conversationId}" hx-swap="delete"></hx-partial>`;
        if (!row) return remove;
        // Out of the main list (it may have just been pinned), then into the redrawn pins.
        if (row.pinned) return remove + this.pinned(query);
        const html = app.views.render('partials/conversation-row', { ...base(), c: row });
        return `<hx-upsert hx-target="#conversation-list" key="data-order" sort="${upsertSort(query.filter)}">${html}</hx-upsert>`;
      });
    },
    /** One of the user's notifications as a toast at the end of the page's toast region (nothing if it is not theirs). */
    toast(notificationId: number): string {
      if (!user || !actor) return '';
      const toast = toastFor(app.domain, actor, notificationId);
      if (!toast) return '';
      const html = app.views.render('partials/toast', { ...base(), toast });
      return `<hx-partial hx-target="#toasts" hx-swap="beforeend">${html}</hx-partial>`;
    },
    /** The settings page's availability choice as it is now (it moves by itself when the first tab opens). */
    availability(): string {
      if (!user || new URL(client.path ?? '/', 'http://tab').pathname !== '/settings') return '';
      return app.views.render('partials/settings-availability', { ...base(), errors: {}, draft: {} });
    },
    pinned(query: ListQuery): string {
      if (!user || !actor) return '';
      return guard(() => {
        const page = listConversations(app.domain, actor, query.filter);
        const html = app.views.render('partials/pinned-list', { ...base(), oob: false, page });
        return `<hx-partial hx-target="#pinned" hx-swap="outerHTML">${html}</hx-partial>`;
      });
    },
  };
}
