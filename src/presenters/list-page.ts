import { blockedNumbers } from '../domain/conversations/queries.ts';
import { listConversations, numberHasHistory, unreadIds, type ListFilter } from '../domain/conversations/list.ts';
import { sendableNumbers } from '../domain/conversations/start.ts';
import { listInboxesFor, teammatesOf, type Inbox } from '../domain/inboxes/service.ts';
import { listTags } from '../domain/tags/service.ts';
import { isManager, type Actor, type DomainContext } from '../domain/context.ts';
import type { Translate } from '../i18n/index.ts';
import { hasFilters, listUrl, upsertSort, type ListQuery } from './list-query.ts';

/**
 * A conversation list as its pane draws it: on the list page, and left of an open conversation (the same list the
 * user came from, read from the URL). `more`: only the next rows are wanted ("Load more"), so the unread ids are
 * read only when the unread filter needs them.
 */
export function listPane(
  domain: DomainContext,
  actor: Actor,
  shown: { t: Translate; phone: (e164: string) => string },
  query: ListQuery,
  more = false,
) {
  // The navigation counts them; the unread filter may take them from there (listConversations).
  const unread = !more || query.filter.unread ? unreadIds(domain, actor) : undefined;
  const page = listConversations(domain, actor, query.filter, query.after, unread);
  const inboxes = listInboxesFor(domain, actor);
  const choices = choicesFor(domain, actor, query.filter, inboxes);
  return {
    ...query,
    // The navigation shows them too: read once.
    navKnown: { inboxes, unread },
    page,
    upsertSort: upsertSort(query.filter),
    nextUrl: page.next ? listUrl(query.values, { after: page.next }) : null,
    resetUrl: listUrl({ view: query.values.view }),
    // Where a conversation opened from this list goes back to (the phone's back link) and what it keeps in its URL.
    listHref: listUrl(query.values),
    filtered: hasFilters(query.values),
    choices,
    heading: headingOf(shown, query, choices),
    // Managers and admins switch the shown inbox's assignment mode (admins also moving) right here.
    inboxSettings:
      isManager(actor) && query.view === 'inbox'
        ? (choices.inboxes.find((i) => i.id === query.filter.inboxId) ?? null)
        : null,
    historyUrl:
      query.view === 'inbox' &&
      query.filter.numberId !== undefined &&
      numberHasHistory(domain, actor, query.filter.numberId)
        ? listUrl({ view: 'history', number: String(query.filter.numberId) })
        : null,
    blocked: query.filter.inboxId !== undefined ? blockedNumbers(domain, actor, query.filter.inboxId) : [],
  };
}

/** An inbox's name when the list shows one inbox, the number for a number's history, else the list's own name. */
function headingOf(
  { t, phone }: { t: Translate; phone: (e164: string) => string },
  query: ListQuery,
  choices: ReturnType<typeof choicesFor>,
): string {
  const inbox = choices.inboxes.find((i) => i.id === query.filter.inboxId);
  if (inbox && query.view === 'inbox') return inbox.name;
  const number = choices.numbers.find((n) => n.id === query.filter.numberId);
  if (query.view === 'history' && number) return t('list.title_history_of', { number: phone(number.e164) });
  return t(`list.title_${query.view}`);
}

function choicesFor(domain: DomainContext, actor: Actor, filter: ListFilter, inboxes: Inbox[]) {
  const numbers = sendableNumbers(domain, actor).filter((n) => (filter.scope === 'personal') === n.personal);
  return {
    inboxes: inboxes.filter((i) => i.ownerUserId === null),
    numbers,
    tags: listTags(domain),
    teammates: teammatesOf(domain, actor),
    maySeeSpam: isManager(actor),
  };
}
