import type { Config } from '../config/schema.ts';
import type { Country } from '../lib/countries.ts';
import { chatUnreadTotal } from '../domain/chats/list.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import { UNREAD_CAP, unreadCount } from '../domain/conversations/list.ts';
import { listInboxesFor, type Inbox } from '../domain/inboxes/service.ts';
import { LIMITS } from '../domain/limits.ts';
import { humanSize } from '../domain/media/attachments.ts';

/** How long a voice note plays, as players show it: 0:07, 1:30, 15:00. */
export const playTime = (seconds: number): string => {
  const whole = Math.max(1, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
};
import type { PublicUser } from '../domain/users/service.ts';
import { renderMarkdown } from '../formatting/markdown.ts';
import { ageFormatter, timeFormatter, translator, type Locale } from '../i18n/index.ts';
import { avatar } from './avatar.ts';
import { dayFormatter } from './days.ts';
import { failureOf, mapLinkOf, tickOf } from './message-status.ts';
import { icon } from './icons.ts';
import { countryOf, phoneFormatter } from './phone.ts';

/** Who a page or a pushed fragment is drawn for: a request's user, or a tab's. */
export interface Viewer {
  locale: Locale;
  /** Where times are shown and days begin (`timeZoneOf`). */
  timeZone: string;
  /** Whose numbers are shown national (`countryOf`). */
  country: Country | null;
  user: PublicUser | null;
  /** The session's form token. */
  csrf: string;
  /** The page shown, with its query: lists are told apart by it (the nav marks the current one). */
  path: string | null;
}

/** A person's own time zone, else the server's; pages without a user (customers') take the server's. */
export const timeZoneOf = (user: Pick<PublicUser, 'timeZone'> | null, config: Config): string =>
  user?.timeZone ?? config.server.time_zone;

/** A person's country (`countryOf`), for reading the numbers they type. */
export const countryOfUser = (user: Pick<PublicUser, 'timeZone'> | null, config: Config): Country | null =>
  countryOf(timeZoneOf(user, config), config);

/** The unread badge's text: nothing for none, "99+" where counting stopped. */
export const unreadLabel = (unread: number): string =>
  unread === 0 ? '' : unread >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(unread);

/** What a page read already that its navigation shows too, so it is read once. */
export interface NavKnown {
  /** The user's inboxes (`listInboxesFor`). */
  inboxes?: Inbox[];
  /** The user's unread conversations (`unreadIds`). */
  unread?: readonly number[];
}

/** What the navigation shows a user: their inboxes, the unread count, the lists their role may open. */
export function navData(domain: DomainContext, actor: Actor, known: NavKnown = {}) {
  return {
    navInboxes: known.inboxes ?? listInboxesFor(domain, actor),
    navUnread: unreadLabel(known.unread?.length ?? unreadCount(domain, actor)),
    // Spam (to undo it) and surveys are managers' lists.
    navManager: isManager(actor),
    navChatsUnread: chatUnreadTotal(domain, actor),
  };
}

const noNav = { navInboxes: [], navUnread: '', navManager: false, navChatsUnread: 0 };

/**
 * What every template may use, the same for a request and a push. Only what draws the navigation asks for
 * it (`nav`): fragments (the composer's counter runs on every keystroke) skip its queries.
 */
export function viewerLocals(
  domain: DomainContext,
  viewer: Viewer,
  opts: { nav: boolean; sandbox: boolean; publicUrlMissing: boolean; known?: NavKnown },
) {
  const { user, locale, timeZone } = viewer;
  const t = translator(locale);
  return {
    t,
    locale,
    user,
    isAdmin: user?.role === 'admin',
    csrf: viewer.csrf,
    path: viewer.path,
    time: timeFormatter(locale, timeZone),
    /** The day an item was written on, for the timeline's day separators. */
    day: dayFormatter(locale, timeZone, t, domain.now),
    age: ageFormatter(t, domain.now, locale, timeZone),
    avatar,
    markdown: renderMarkdown,
    icon,
    phone: phoneFormatter(viewer.country),
    fileSize: humanSize,
    playTime,
    tick: tickOf,
    failure: failureOf,
    mapLink: mapLinkOf,
    limits: LIMITS,
    sandbox: opts.sandbox,
    publicUrlMissing: opts.publicUrlMissing,
    ...(user && opts.nav ? navData(domain, { id: user.id, role: user.role }, opts.known) : noNav),
  };
}
