import type { FastifyInstance } from 'fastify';
import type { Actor } from '../domain/context.ts';
import { listConversations, type ListRow } from '../domain/conversations/list.ts';
import type { TimelineItem } from '../domain/conversations/timeline.ts';
import { messageKindOf } from '../domain/conversations/queries.ts';
import { DomainError } from '../domain/errors.ts';
import { capabilitiesOf } from '../domain/messaging/capabilities.ts';
import type { Toast } from '../domain/users/preferences.ts';
import type { PublicUser } from '../domain/users/service.ts';
import type { Locale } from '../i18n/index.ts';
import { contactPanel, conversationComposer, conversationHeader } from '../presenters/conversation.ts';
import { upsertSort, type ListQuery } from '../presenters/list-query.ts';
import { publicUrlMissing } from '../presenters/public-url.ts';
import { countryOf } from '../presenters/phone.ts';
import { timeZoneOf, viewerLocals } from '../presenters/viewer.ts';
import { FORM_TOKEN, type LiveClient, type Piece } from './hub.ts';

/** The language a tab is drawn in: the user's own choice, else what their browser asked for. */
export const localeOf = (user: PublicUser, client: Pick<LiveClient, 'locale'>): Locale => user.locale ?? client.locale;

/**
 * How a tab draws what anyone may see: its language and its time zone. Part of every piece's key, so that people
 * who read another language or live in another zone never share a drawing.
 */
export const lookOf = (app: FastifyInstance, user: PublicUser, client: Pick<LiveClient, 'locale'>): string =>
  `${localeOf(user, client)} ${timeZoneOf(user, app.configStore.current)}`;

/**
 * A piece drawn for this user's tabs with this language and page alone: what templates with the user's own rights
 * need. (All of a user's tabs are in the user's time zone.)
 */
export const ownPiece = (user: PublicUser, client: LiveClient, what: string, render: () => string): Piece => ({
  key: `${what} user ${user.id} ${localeOf(user, client)} ${client.path ?? ''}`,
  render,
});

/** A rule may hide the thing from this user by now (removed from the inbox): then there is nothing to send. */
function guard(render: () => string): string {
  try {
    return render();
  } catch (err) {
    if (err instanceof DomainError) return '';
    throw err;
  }
}

/**
 * Draws partials for a user as a request of theirs would be answered: their rights and language. Forms carry
 * FORM_TOKEN, which the hub replaces with each tab's own token, so one drawing may serve many tabs.
 */
export function drawer(app: FastifyInstance, user: PublicUser, client: Pick<LiveClient, 'locale' | 'path'>) {
  const actor: Actor = { id: user.id, role: user.role };
  const timeZone = timeZoneOf(user, app.configStore.current);
  const viewer = {
    locale: localeOf(user, client),
    timeZone,
    // Follows from the time zone and the configuration: a piece's key (`lookOf`) need not name it.
    country: countryOf(timeZone, app.configStore.current),
    user,
    csrf: FORM_TOKEN,
    path: client.path,
  };
  const sandbox = app.messaging.simulator !== null;
  const notices = { sandbox, publicUrlMissing: publicUrlMissing(app.configStore.current, sandbox) };
  /** The locals of a request from this tab; pushed partials swap themselves in (`oob`). */
  const base = (nav = false) => ({ ...viewerLocals(app.domain, viewer, { nav, ...notices }), oob: true });
  return {
    actor,
    /** Any partial, drawn with this user's rights and language. */
    /** `data` may be a presenter's call, so that its refusal (the user lost sight of the thing) draws nothing too. */
    partial(template: string, data: Record<string, unknown> | (() => Record<string, unknown>)): string {
      return guard(() => app.views.render(template, { ...base(), ...(typeof data === 'function' ? data() : data) }));
    },
    nav(): string {
      return app.views.render('partials/nav', base(true));
    },
    /** The navigation's unread badge alone: what a customer's text changes in every tab. */
    unreadBadge(navUnread: string): string {
      return app.views.render('partials/nav-unread', { ...base(), navUnread });
    },
    timelineItem(conversationId: number, item: TimelineItem): string {
      const html = app.views.render('partials/timeline-item', { ...base(), item });
      return `<hx-upsert hx-target="#timeline-${conversationId}" key="data-order" sort>${html}</hx-upsert>`;
    },
    /** The conversation's header (and contact panel) redrawn in place, as this user may act on it now. */
    conversationParts(
      conversationId: number,
      parts: { header?: boolean; panel?: boolean; ofContact?: number },
    ): string {
      return guard(() => {
        // The header's data alone (no timeline); the panel's only when it is redrawn.
        const header = { ...base(), ...conversationHeader(app.domain, actor, conversationId) };
        if (parts.ofContact !== undefined && header.conversation.contactId !== parts.ofContact) return '';
        let html = '';
        if (parts.header) html += app.views.render('partials/conversation-header', header);
        if (!parts.panel || header.conversation.history) return html;
        const data = { ...header, ...contactPanel(app, actor, header.conversation) };
        // The panel's side (contact, opt-out) also decides the banner above the composer.
        return (
          html + app.views.render('partials/contact-panel', data) + app.views.render('partials/send-banners', data)
        );
      });
    },
    /**
     * The free-text composer in place of the template picker, once a customer's message opened the reply window again
     * (WhatsApp). Aimed at the picker only: a composer with a draft in it is never replaced.
     */
    reopenedComposer(conversationId: number): string {
      return guard(() => {
        // One cheap read first: most conversations (SMS) have no window, and this runs for every customer text.
        if (capabilitiesOf(messageKindOf(app.domain, actor, conversationId)).replyWindowMs === null) return '';
        const data = conversationComposer(app, actor, conversationId);
        if (!data.replyWindow?.open) return '';
        const html = app.views.render('partials/composer', { ...base(), oob: false, ...data });
        return `<hx-partial hx-target="#composer.template-picker" hx-swap="outerHTML">${html}</hx-partial>`;
      });
    },
    /** A row as a list shows it, upserted where it belongs. */
    listRow(query: ListQuery, row: ListRow): string {
      const html = app.views.render('partials/conversation-row', { ...base(), c: row });
      return `<hx-upsert hx-target="#conversation-list" key="data-order" sort="${upsertSort(query.filter)}">${html}</hx-upsert>`;
    },
    pinned(query: ListQuery): string {
      return guard(() => {
        const page = listConversations(app.domain, actor, query.filter);
        const html = app.views.render('partials/pinned-list', { ...base(), oob: false, page });
        return `<hx-partial hx-target="#pinned" hx-swap="outerHTML">${html}</hx-partial>`;
      });
    },
    /** A notification as a toast at the end of the page's toast region. */
    toast(toast: Toast): string {
      const html = app.views.render('partials/toast', { ...base(), toast });
      return `<hx-partial hx-target="#toasts" hx-swap="beforeend">${html}</hx-partial>`;
    },
    /** The settings page's availability choice as it is now (it moves by itself when the first tab opens). */
    availability(): string {
      return app.views.render('partials/settings-availability', { ...base(), errors: {}, draft: {} });
    },
  };
}

export type Drawer = ReturnType<typeof drawer>;

/** Takes the conversation out of a list it no longer belongs in (or out of the main list, for the pins). */
export const rowRemoved = (conversationId: number): string =>
  `<hx-partial hx-target="#conversation-${conversationId}" hx-swap="delete"></hx-partial>`;
