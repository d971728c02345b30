import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import { field, formErrorsOf, ID_PATTERN, idParam } from '../forms.ts';

/** What a close or spam leaves behind: the timeline entry its Undo takes back. */
interface Undoable {
  eventId: number;
  kind: 'closed' | 'marked_spam';
}

type Run = (req: FastifyRequest, actor: Actor, conversationId: number, version: number) => Undoable | void;

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

export default async function conversationActionRoutes(app: FastifyInstance): Promise<void> {
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
    app.post(`/conversations/:id/${path}`, async (req, reply) => {
      const id = idParam(req);
      try {
        const undo = run(req, actorOf(req), id, parseVersion(field(req, 'version')));
        return answer(req, reply, id, {}, undo ?? undefined);
      } catch (err) {
        const refused = refusal(err, req);
        if (!refused) throw err;
        reply.code(refused.status);
        return answer(req, reply, id, refused.errors);
      }
    });

  const optionalId = (raw: string, name: string): number | null => {
    if (raw === '') return null;
    if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'list.bad_filter', { name }, name);
    return Number(raw);
  };

  action('assign', (req, actor, id, version) =>
    assignConversation(app.domain, actor, id, version, optionalId(field(req, 'assignee'), 'assignee')),
  );
  action('status', (req, actor, id, version) => {
    const status = field(req, 'status');
    if (status !== 'open' && status !== 'closed' && status !== 'spam')
      throw new DomainError(422, 'list.bad_filter', { name: 'status' });
    const eventId = setConversationStatus(app.domain, actor, id, version, status);
    if (status !== 'open') return { eventId, kind: status === 'spam' ? 'marked_spam' : 'closed' };
  });
  action('undo', (req, actor, id, version) => {
    const raw = field(req, 'event');
    if (!ID_PATTERN.test(raw)) throw new DomainError(422, 'conversation.undo_unknown');
    undoStatusChange(app.domain, actor, id, version, Number(raw));
  });
  action('move', (req, actor, id, version) => {
    const target = optionalId(field(req, 'inbox'), 'inbox');
    if (target === null) throw new DomainError(422, 'conversation.move_target', {}, 'inbox');
    moveConversation(app.domain, actor, id, version, target);
  });
  action('unread', (_req, actor, id) => markUnread(app.domain, actor, id));
  action('pin', (_req, actor, id) => pinConversation(app.domain, actor, id));
  action('unpin', (_req, actor, id) => unpinConversation(app.domain, actor, id));
  action('tags', (req, actor, id) => void addTag(app.domain, actor, id, field(req, 'tag')));
  action('tags/:tagId/remove', (req, actor, id) => removeTag(app.domain, actor, id, idParam(req, 'tagId')));

  // Reordering pins (drag and drop, or the move up/down buttons): the pinned list is redrawn live in my tabs.
  app.post('/conversations/:id/pin/move', async (req, reply) => {
    const raw = field(req, 'index');
    if (!/^-?\d{1,3}$/.test(raw)) return reply.code(422).sendError('list.bad_filter', { name: 'index' });
    try {
      movePin(app.domain, actorOf(req), idParam(req), Number(raw));
    } catch (err) {
      if (!(err instanceof DomainError) || err.status !== 422) throw err;
      return reply.code(422).sendError(err.key, err.params);
    }
    if (isHtmx(req)) return reply.code(204).send();
    return reply.redirect(backTo(req, '/conversations'), 303);
  });
}
