import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cannedFor, fillCanned } from '../../domain/canned/service.ts';
import { messageKindOf } from '../../domain/conversations/queries.ts';
import { markRead } from '../../domain/conversations/reading.ts';
import { timelinePage } from '../../domain/conversations/timeline.ts';
import { largestAttachmentBytes } from '../../domain/media/limits.ts';
import { capabilitiesOf } from '../../domain/messaging/capabilities.ts';
import { invalid } from '../../domain/errors.ts';
import { queueReply } from '../../domain/messaging/outbox.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import { replyAsk } from '../../presenters/collision.ts';
import {
  composerCount,
  conversationComposer,
  conversationPage,
  type PageState,
} from '../../presenters/conversation.ts';
import { listPane } from '../../presenters/list-page.ts';
import {
  conversationUrl,
  listInput,
  listQueryFields,
  listQueryIn,
  listQueryOf,
  parseListQuery,
} from '../../presenters/list-query.ts';
import { timelineCursor, timelineData } from '../../presenters/timeline.ts';
import { phoneFormatter } from '../../presenters/phone.ts';
import { countryOfUser, timeZoneOf } from '../../presenters/viewer.ts';
import { formErrorsOf, ID_PATTERN } from '../forms.ts';
import { anId, form, idParams, queryText, text } from '../schemas.ts';
import { customerLinks } from '../customer-links.ts';
import { acceptUploads } from '../uploads.ts';

export default async function conversationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  // The newest page of the timeline, beside the list the user came from (its filters are in the URL's query); `?before=`
  // the page before an item: to htmx ("Show earlier") only those items, put above what the tab shows; without
  // JavaScript the whole page, showing that earlier page. Picked in the list beside it, only the conversation pane is
  // drawn: for the list the tab shows (HX-Current-URL), whose filters the pushed URL keeps.
  const pageQuery = listQueryFields.extend({ before: timelineCursor.optional() });
  app.get('/conversations/:id', { schema: { params: idParams, querystring: pageQuery } }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    const { before, after: _, ...filters } = req.query;
    if (before && isHtmx(req))
      return reply.fragment('partials/timeline-page', { timeline: timelineData(app.domain, actor, id, before) });
    const target = req.headers['hx-target'];
    const pane = isHtmx(req) && typeof target === 'string' && target.endsWith('#conversation-pane');
    const zone = timeZoneOf(req.auth!.user, app.configStore.current);
    // The list from its first row: a URL's `after` (a later page of it) is only "Load more"'s.
    const { after: __, ...current } = listQueryOf(req.headers['hx-current-url']);
    const listQuery = pane
      ? parseListQuery(current, zone)
      : listQueryIn(listInput({ ...filters, after: undefined }), zone);
    const phone = phoneFormatter(countryOfUser(req.auth!.user, app.configStore.current));
    const list = listPane(app.domain, actor, { t: req.t, phone }, listQuery);
    const data = { ...list, ...conversationPage(app, actor, id, {}, before) };
    // Opening it reads it, for me only; a number's history is not mine to mark.
    if (!before && !data.conversation.history) markRead(app.domain, actor, id);
    reply.header('Vary', 'HX-Request, HX-Target, HX-Current-URL');
    if (!pane) return reply.page('pages/conversation', data);
    const url = conversationUrl(id, list.values);
    // Back and forward draw the pane of the URL they return to: nothing to push then.
    if (req.headers['hx-history-restore-request'] !== 'true') reply.header('HX-Push-Url', url);
    return reply.fragment('partials/conversation-pane', { ...data, swapped: true, path: url });
  });

  // The composer's live counter, as the conversation's number counts: characters left in this SMS and how many SMS the
  // text will take, or characters of the kind's limit (WhatsApp); and while a `/keyword` is being typed at the end,
  // the canned replies it may mean.
  app.post('/compose/count', { schema: { body: form({ conversation: text, body: text }) } }, async (req, reply) => {
    const { conversation } = req.body;
    const kind = ID_PATTERN.test(conversation) ? messageKindOf(app.domain, actorOf(req), Number(conversation)) : 'sms';
    const body = req.body.body.slice(0, capabilitiesOf(kind).textLimit);
    const typed = /(?:^|\s)\/([\p{L}\p{N}_-]{1,30})$/u.exec(body)?.[1];
    const choices =
      typed && ID_PATTERN.test(conversation)
        ? cannedFor(app.domain, actorOf(req), Number(conversation), typed)
            .filter((r) => r.keyword.toLowerCase().startsWith(typed.toLowerCase()))
            .slice(0, 5)
        : [];
    return reply.fragment('partials/composer-count', {
      ...composerCount(kind, body),
      suggest: { conversationId: Number(conversation), choices },
    });
  });

  // The picker: canned replies usable here, found by title, keyword or text.
  app.get(
    '/conversations/:id/canned',
    { schema: { params: idParams, querystring: z.object({ q: queryText }) } },
    async (req, reply) => {
      const { id } = req.params;
      return reply.fragment('partials/canned-choices', {
        conversationId: id,
        choices: cannedFor(app.domain, actorOf(req), id, req.query.q ?? ''),
      });
    },
  );

  // Puts a canned reply, filled in for this conversation, into the draft: in place of a typed `/keyword`, else at the end.
  const insertSchema = { params: z.object({ id: anId, cannedId: anId }), body: form({ body: text }) };
  app.post('/conversations/:id/canned/:cannedId/insert', { schema: insertSchema }, async (req, reply) => {
    const { id, cannedId } = req.params;
    const actor = actorOf(req);
    const filled = fillCanned(app.domain, actor, id, cannedId);
    const current = req.body.body;
    const draft = /(?:^|\s)\/[\p{L}\p{N}_-]*$/u.test(current)
      ? current.replace(/\/[\p{L}\p{N}_-]*$/u, () => filled)
      : current.trim()
        ? `${current.trimEnd()}\n${filled}`
        : filled;
    const data = {
      ...conversationComposer(app, actor, id, {
        draft: draft.slice(0, capabilitiesOf(messageKindOf(app.domain, actor, id)).textLimit),
      }),
      focusComposer: true,
    };
    return reply.fragment('partials/composer', data);
  });

  const replySchema = {
    params: idParams,
    body: form({ body: text, reply_to: text, cancel: text, seen_reply: text }),
  };
  app.post(
    '/conversations/:id/messages',
    { ...acceptUploads(app, () => largestAttachmentBytes(app.configStore.current)), schema: replySchema },
    async (req, reply) => {
      const { id } = req.params;
      const actor = actorOf(req);
      const { body, reply_to: quoting } = req.body;
      const replyTo = ID_PATTERN.test(quoting) ? Number(quoting) : undefined;
      /** The composer again with the draft and its quote (the whole page without JavaScript). */
      const again = (state: PageState) => {
        const drawn = { ...state, ...(replyTo === undefined ? {} : { replyTo }) };
        return isHtmx(req)
          ? reply.fragment('partials/composer', conversationComposer(app, actor, id, drawn))
          : reply.page('pages/conversation', conversationPage(app, actor, id, drawn));
      };
      try {
        if (req.upload.refused) throw req.upload.refused;
        if (quoting !== '' && replyTo === undefined) throw invalid('reply.quote_unknown', 'replyTo');
        // A teammate answered the customer since this composer was drawn: ask once before answering twice. The
        // question's Cancel keeps the draft and sends nothing.
        const cancelled = req.body.cancel !== '';
        const ask = cancelled ? null : replyAsk(app.domain, actor, id, req.body.seen_reply);
        if (cancelled || ask) {
          reply.code(ask ? 409 : 200);
          return again({ draft: body, ask: ask ?? undefined });
        }
        // A voice note goes alone (WhatsApp's have no caption): the typed text stays in the composer as a draft.
        const voice = req.upload.files.filter((f) => f.voice !== undefined);
        const media = {
          store: app.media,
          uploads: voice.length > 0 ? voice : req.upload.files,
          links: customerLinks(app, req),
          linkDays: app.configStore.current.media.link_days,
        };
        queueReply(app.domain, actor, id, voice.length > 0 ? '' : body, media, { replyToMessageId: replyTo });
        if (!isHtmx(req)) return reply.redirect(`/conversations/${id}`, 303);
        // The new message reaches this tab like every other: as an upsert into the timeline (with what it caused).
        return reply.fragment('partials/reply-sent', {
          ...conversationComposer(app, actor, id, voice.length > 0 ? { draft: body } : {}),
          recent: timelinePage(app.domain, actor, id, undefined, 3).items,
        });
      } catch (err) {
        const refused = formErrorsOf(err, req, {
          statuses: [400, 409, 422],
          // A refused quote is told where the quote is shown, above the box.
          place: (name) => (name === 'replyTo' ? 'body' : (name ?? '_form')),
        });
        if (!refused) throw err;
        reply.code(refused.status);
        return again({ draft: body, errors: refused.errors });
      }
    },
  );
}
