import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../domain/context.ts';
import {
  assignConversation,
  moveConversation,
  parseVersion,
  setConversationStatus,
  undoStatusChange,
} from '../../domain/conversations/actions.ts';
import { movePin, pinConversation, unpinConversation } from '../../domain/conversations/pins.ts';
import { markUnread } from '../../domain/conversations/reading.ts';
import { DomainError } from '../../domain/errors.ts';
import { addTag, removeTag } from '../../domain/tags/service.ts';
import { actorOf, requireUser } from '../../plugins/auth.ts';
import { isHtmx } from '../../plugins/render.ts';
import { conversationHeader, conversationPage } from '../../presenters/conversation.ts';
import { formErrorsOf, ID_PATTERN } from '../forms.ts';
import { anId, form, idParams, text } from '../schemas.ts';

/** What a close or spam leaves behind: the timeline entry its Undo takes back. */
interface Undoable {
  eventId: number;
  kind: 'closed' | 'marked_spam';
}

/** Every header action's form (each reads its own fields) and path: the conversation's id, and a tag's for its removal. */
const actionForm = form({
  version: text,
  assignee: text,
  status: text,
  event: text,
  inbox: text,
  tag: text,
});
const actionParams = z.object({ id: anId }).catchall(anId);

type Run = (
  fields: z.output<typeof actionForm>,
  actor: Actor,
  conversationId: number,
  version: number,
  params: z.output<typeof actionParams>,
) => Undoable | void;

/** A refused action (stale page, a rule, a right) is shown in the header, which is redrawn as things are now. */
const refusal = (err: unknown, req: FastifyRequest) =>
  formErrorsOf(err, req, { statuses: [403, 409, 422], place: (field) => (field === 'tag' ? 'tag' : '_header') });

/** A local page to go back to after a form post without JavaScript. */
function backTo(req: FastifyRequest, fallback: string): string {
  const referer = req.headers.referer;
  if (!referer) return fallback;
  try {
    const url = new URL(referer);
    return url.host === req.host ? url.pathname + url.search : fallback;
  } catch {
    return fallback;
  }
}

export default async function conversationActionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', requireUser);

  // The header alone: no timeline, no panel, no composer is read for an action.
  // With JavaScript, a close or spam also brings its Undo (a toast); without, the conversation's buttons undo it.
  const answer = (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    errors: Record<string, string> = {},
    undo?: Undoable,
  ) => {
    if (isHtmx(req))
      return reply.fragment('partials/conversation-header', {
        ...conversationHeader(app.domain, actorOf(req), id, errors),
        undo,
      });
    if (Object.keys(errors).length === 0) return reply.redirect(`/conversations/${id}`, 303);
    return reply.page('pages/conversation', conversationPage(app, actorOf(req), id, { errors }));
  };

  /** Header actions: each answers with the header as it is after the change (or after someone else's). */
  const action = (path: string, run: Run) =>
    app.post(
      `/conversations/:id/${path}`,
      { schema: { params: actionParams, body: actionForm } },
      async (req, reply) => {
        const { id } = req.params;
        try {
          const undo = run(req.body, actorOf(req), id, parseVersion(req.body.version), req.params);
          return answer(req, reply, id, {}, undo ?? undefined);
        } catch (err) {
          const refused = refusal(err, req);
          if (!refused) throw err;
          reply.code(refused.status);
          return answer(req, reply, id, refused.errors);
        }
      },
    );

  const optionalId = (raw: string, name: string): number | null => {
    if (raw === '') return null;
    if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'list.bad_filter', { name }, name);
    return Number(raw);
  };

  action('assign', (fields, actor, id, version) =>
    assignConversation(app.domain, actor, id, version, optionalId(fields.assignee, 'assignee')),
  );
  action('status', (fields, actor, id, version) => {
    const { status } = fields;
    if (status !== 'open' && status !== 'closed' && status !== 'spam')
      throw new DomainError(422, 'list.bad_filter', { name: 'status' });
    const eventId = setConversationStatus(app.domain, actor, id, version, status);
    if (status !== 'open') return { eventId, kind: status === 'spam' ? 'marked_spam' : 'closed' };
  });
  action('undo', (fields, actor, id, version) => {
    const raw = fields.event;
    if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'conversation.undo_unknown');
    undoStatusChange(app.domain, actor, id, version, Number(raw));
  });
  action('move', (fields, actor, id, version) => {
    const target = optionalId(fields.inbox, 'inbox');
    if (target === null) throw new DomainError(422, 'conversation.move_target', {}, 'inbox');
    moveConversation(app.domain, actor, id, version, target);
  });
  action('unread', (_fields, actor, id) => markUnread(app.domain, actor, id));
  action('pin', (_fields, actor, id) => pinConversation(app.domain, actor, id));
  action('unpin', (_fields, actor, id) => unpinConversation(app.domain, actor, id));
  action('tags', (fields, actor, id) => void addTag(app.domain, actor, id, fields.tag));
  action('tags/:tagId/remove', (_fields, actor, id, _version, params) =>
    removeTag(app.domain, actor, id, params.tagId!),
  );

  // Reordering pins (drag and drop, or the move up/down buttons): the pinned list is redrawn live in my tabs.
  const moveSchema = { params: idParams, body: form({ index: text }) };
  app.post('/conversations/:id/pin/move', { schema: moveSchema }, async (req, reply) => {
    const raw = req.body.index;
    if (!/^-?\d{1,3}$/.test(raw)) return reply.code(422).sendError('list.bad_filter', { name: 'index' });
    try {
      movePin(app.domain, actorOf(req), req.params.id, Number(raw));
    } catch (err) {
      if (!(err instanceof DomainError) || err.status !== 422) throw err;
      return reply.code(422).sendError(err.key, err.params);
    }
    if (isHtmx(req)) return reply.code(204).send();
    return reply.redirect(backTo(req, '/conversations'), 303);
  });
}
