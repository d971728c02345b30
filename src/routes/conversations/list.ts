import type { FastifyInstance, FastifyRequest } from 'fastify';
import { blockedNumbers } from '../../domain/conversations/queries.ts';
import { listConversations, numberHasHistory, unreadIds, type ListFilter } from '../../domain/conversations/list.ts';
import { sendableNumbers } from '../../domain/conversations/start.ts';
import { listInboxesFor, teammatesOf, type Inbox } from '../../domain/inboxes/service.ts';
import { listTags } from '../../domain/tags/service.ts';
import { isManager, type Actor } from '../../domain/context.ts';
import { gettingStarted } from '../../domain/onboarding/getting-started.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { hasFilters, listUrl, parseListQuery, upsertSort, type ListQuery } from '../../presenters/list-query.ts';
import { phoneFormatter } from '../../presenters/phone.ts';
import { countryOfUser, timeZoneOf } from '../../presenters/viewer.ts';
import { idParam } from '../forms.ts';

export default async function conversationListRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  app.get('/conversations', async (req, reply) => {
    const actor = actorOf(req);
    const query = parseListQuery(req.query, timeZoneOf(req.auth!.user, app.configStore.current));
    // "Load more" asks for the next rows only; everything else gets the page.
    const more = req.headers['hx-request'] === 'true' && query.after !== undefined;
    // The navigation counts them; the unread filter may take them from there (listConversations).
    const unread = !more || query.filter.unread ? unreadIds(app.domain, actor) : undefined;
    const page = listConversations(app.domain, actor, query.filter, query.after, unread);
    const inboxes = listInboxesFor(app.domain, actor);
    const choices = choicesFor(app, actor, query.filter, inboxes);
    const data = {
      ...query,
      // The navigation shows them too: read once.
      navKnown: { inboxes, unread },
      page,
      upsertSort: upsertSort(query.filter),
      nextUrl: page.next ? listUrl(query.values, { after: page.next }) : null,
      resetUrl: listUrl({ view: query.values.view }),
      filtered: hasFilters(query.values),
      choices,
      heading: headingOf(req.t, query, choices, phoneFormatter(countryOfUser(req.auth!.user, app.configStore.current))),
      // Managers and admins switch the shown inbox's assignment mode (admins also moving) right here.
      inboxSettings:
        isManager(actor) && query.view === 'inbox'
          ? (choices.inboxes.find((i) => i.id === query.filter.inboxId) ?? null)
          : null,
      historyUrl:
        query.view === 'inbox' &&
        query.filter.numberId !== undefined &&
        numberHasHistory(app.domain, actor, query.filter.numberId)
          ? listUrl({ view: 'history', number: String(query.filter.numberId) })
          : null,
      blocked: query.filter.inboxId !== undefined ? blockedNumbers(app.domain, actor, query.filter.inboxId) : [],
      gettingStarted: more ? null : gettingStarted(app.domain, actor, req.auth!.user.gettingStartedDismissed),
    };
    if (more) return reply.fragment('partials/conversation-rows', data);
    return reply.page('pages/conversations', data);
  });

  // Older links and the inbox switcher's first version pointed here.
  app.get('/inboxes/:id', async (req, reply) => reply.redirect(listUrl({ inbox: String(idParam(req)) }), 301));
}

/** An inbox's name when the list shows one inbox, the number for a number's history, else the list's own name. */
function headingOf(
  t: FastifyRequest['t'],
  query: ListQuery,
  choices: ReturnType<typeof choicesFor>,
  phone: (e164: string) => string,
): string {
  const inbox = choices.inboxes.find((i) => i.id === query.filter.inboxId);
  if (inbox && query.view === 'inbox') return inbox.name;
  const number = choices.numbers.find((n) => n.id === query.filter.numberId);
  if (query.view === 'history' && number) return t('list.title_history_of', { number: phone(number.e164) });
  return t(`list.title_${query.view}`);
}

function choicesFor(app: FastifyInstance, actor: Actor, filter: ListFilter, inboxes: Inbox[]) {
  const numbers = sendableNumbers(app.domain, actor).filter((n) => (filter.scope === 'personal') === n.personal);
  return {
    inboxes: inboxes.filter((i) => i.ownerUserId === null),
    numbers,
    tags: listTags(app.domain),
    teammates: teammatesOf(app.domain, actor),
    maySeeSpam: isManager(actor),
  };
}
