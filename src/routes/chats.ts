import type { FastifyInstance, FastifyRequest } from 'fastify';
import { chatsOf, teammates } from '../domain/chats/list.ts';
import { createTeamChat, leaveChat, openDirect, updateTeamChat } from '../domain/chats/manage.ts';
import {
  chatHistory,
  chatMessageFor,
  deleteChatMessage,
  editChatMessage,
  markChatRead,
  postChatMessage,
  toggleChatReaction,
} from '../domain/chats/messages.ts';
import { isManager, type Actor } from '../domain/context.ts';
import { invalid } from '../domain/errors.ts';
import { LIMITS } from '../domain/limits.ts';
import { listInboxesFor } from '../domain/inboxes/service.ts';
import { ACCEPTED_TYPES } from '../domain/media/sniff.ts';
import { humanSize } from '../domain/media/attachments.ts';
import { largestAttachmentBytes } from '../domain/media/limits.ts';
import { attachmentFor } from '../domain/chats/files.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { chatHeader } from '../presenters/chat.ts';
import { isHtmx } from '../plugins/render.ts';
import { field, fields, formErrorsOf, ID_PATTERN, idParam, type FormErrors } from './forms.ts';
import { sendAttachment } from './media.ts';
import { acceptUploads } from './uploads.ts';

/** Ids of the people ticked in a members fieldset; one that is no id is a bad form, not "nobody". */
function memberIds(req: FastifyRequest): number[] {
  const values = fields(req, 'members');
  if (!values.every((v) => ID_PATTERN.test(v))) throw invalid('chat.member_unknown', 'members');
  return values.map(Number);
}

/** Direct and team chats: the list with the team, one chat with its history and composer, and managing a team chat. */
export default async function chatRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);
  const maxBytes = () => largestAttachmentBytes(app.configStore.current);

  const listData = (actor: Actor, state: { errors?: FormErrors; draft?: Record<string, string> } = {}) => ({
    chats: chatsOf(app.domain, actor),
    people: teammates(app.domain, actor),
    mayCreate: isManager(actor),
    sharedInboxes: isManager(actor) ? listInboxesFor(app.domain, actor).filter((i) => i.ownerUserId === null) : [],
    errors: state.errors ?? {},
    draft: state.draft ?? {},
  });

  /** What the composer alone needs (its redraw after a send must not load the chat's history). */
  const composerData = (chatId: number, state: { errors?: FormErrors; draft?: string } = {}) => ({
    chat: { id: chatId },
    attach: { max: LIMITS.chatFiles, size: humanSize(maxBytes()), accept: ACCEPTED_TYPES },
    errors: state.errors ?? {},
    draft: state.draft ?? '',
  });

  const chatData = (actor: Actor, chatId: number, state: { errors?: FormErrors; draft?: string } = {}) => ({
    ...composerData(chatId, state),
    ...chatHeader(app.domain, actor, chatId),
    history: chatHistory(app.domain, actor, chatId),
  });

  app.get('/chats', async (req, reply) => reply.page('pages/chats', listData(actorOf(req))));

  app.post('/chats/direct', async (req, reply) => {
    const user = field(req, 'user');
    if (!ID_PATTERN.test(user)) return reply.code(404).sendError('error.not_found');
    const id = openDirect(app.domain, actorOf(req), Number(user));
    return isHtmx(req)
      ? reply.header('HX-Location', `/chats/${id}`).code(204).send()
      : reply.redirect(`/chats/${id}`, 303);
  });

  app.post('/chats', async (req, reply) => {
    const actor = actorOf(req);
    const inbox = field(req, 'inbox');
    try {
      const id = createTeamChat(app.domain, actor, {
        name: field(req, 'name'),
        memberIds: memberIds(req),
        ...(ID_PATTERN.test(inbox) ? { inboxId: Number(inbox) } : {}),
      });
      return reply.redirect(`/chats/${id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply
        .code(refused.status)
        .page('pages/chats', listData(actor, { errors: refused.errors, draft: { name: field(req, 'name') } }));
    }
  });

  app.get('/chats/:id', async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    const data = chatData(actor, id);
    markChatRead(app.domain, actor, id);
    return reply.page('pages/chat', data);
  });

  // Earlier history, put above what the tab shows (the button is replaced by the older messages and its own successor).
  app.get('/chats/:id/messages', async (req, reply) => {
    const before = (req.query as Record<string, unknown>).before;
    const history = chatHistory(
      app.domain,
      actorOf(req),
      idParam(req),
      typeof before === 'string' && ID_PATTERN.test(before) ? Number(before) : undefined,
    );
    return reply.fragment('partials/chat-history', { chatId: idParam(req), history });
  });

  app.post('/chats/:id/messages', acceptUploads(app, maxBytes), async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    try {
      if (req.upload.refused) throw req.upload.refused;
      // The writer's own message is read for them in the same transaction.
      postChatMessage(app.domain, actor, id, field(req, 'body'), {
        store: app.media,
        uploads: req.upload.files,
        maxAttachmentBytes: maxBytes(),
      });
      if (!isHtmx(req)) return reply.redirect(`/chats/${id}`, 303);
      // The message itself reaches this tab like every other member's: pushed over the live socket.
      return reply.fragment('partials/chat-composer', composerData(id));
    } catch (err) {
      const refused = formErrorsOf(err, req, { statuses: [400, 409, 422] });
      if (!refused) throw err;
      reply.code(refused.status);
      const state = { errors: refused.errors, draft: field(req, 'body') };
      return isHtmx(req)
        ? reply.fragment('partials/chat-composer', composerData(id, state))
        : reply.page('pages/chat', chatData(actor, id, state));
    }
  });

  app.post('/chats/:id/settings', async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    try {
      updateTeamChat(app.domain, actor, id, { name: field(req, 'name'), memberIds: memberIds(req) });
      return reply.redirect(`/chats/${id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply.code(refused.status).page('pages/chat', { ...chatData(actor, id), settingsErrors: refused.errors });
    }
  });

  app.post('/chats/:id/leave', async (req, reply) => {
    leaveChat(app.domain, actorOf(req), idParam(req));
    return reply.redirect('/chats', 303);
  });

  app.post('/chat-messages/:id/edit', async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    editChatMessage(app.domain, actor, id, field(req, 'body'));
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  app.post('/chat-messages/:id/delete', async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    deleteChatMessage(app.domain, actor, id, app.media);
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  app.post('/chat-messages/:id/reactions', async (req, reply) => {
    const actor = actorOf(req);
    const id = idParam(req);
    toggleChatReaction(app.domain, actor, id, field(req, 'emoji'));
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  app.get('/chat-media/:id/:seq', async (req, reply) => {
    const seq = (req.params as Record<string, string>).seq ?? '';
    const file = attachmentFor(app.domain, actorOf(req), idParam(req), /^\d{1,2}$/.test(seq) ? Number(seq) : -1);
    return sendAttachment(app, reply, file, 'private, max-age=86400, immutable');
  });
}
