import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
import { formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';
import { anId, form, idParams, queryText, repeated, text } from './schemas.ts';
import { fileSeq, sendAttachment } from './media.ts';
import { acceptUploads } from './uploads.ts';

/** Ids of the people ticked in a members fieldset; one that is no id is a bad form, not "nobody". */
function memberIds(values: string[]): number[] {
  if (!values.every((v) => ID_PATTERN.test(v))) throw invalid('chat.member_unknown', 'members');
  return values.map(Number);
}

/** Direct and team chats: the list with the team, one chat with its history and composer, and managing a team chat. */
const teamForm = form({ name: text, members: repeated, inbox: text });
const messageForm = { params: idParams, body: form({ body: text }) };
const emptyForm = { params: idParams, body: form({}) };

export default async function chatRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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

  app.post('/chats/direct', { schema: { body: form({ user: text }) } }, async (req, reply) => {
    const { user } = req.body;
    if (!ID_PATTERN.test(user)) return reply.code(404).sendError('error.not_found');
    const id = openDirect(app.domain, actorOf(req), Number(user));
    return isHtmx(req)
      ? reply.header('HX-Location', `/chats/${id}`).code(204).send()
      : reply.redirect(`/chats/${id}`, 303);
  });

  app.post('/chats', { schema: { body: teamForm } }, async (req, reply) => {
    const actor = actorOf(req);
    const { name, members, inbox } = req.body;
    try {
      const id = createTeamChat(app.domain, actor, {
        name,
        memberIds: memberIds(members),
        ...(ID_PATTERN.test(inbox) ? { inboxId: Number(inbox) } : {}),
      });
      return reply.redirect(`/chats/${id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply
        .code(refused.status)
        .page('pages/chats', listData(actor, { errors: refused.errors, draft: { name } }));
    }
  });

  app.get('/chats/:id', { schema: { params: idParams } }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    const data = chatData(actor, id);
    markChatRead(app.domain, actor, id);
    return reply.page('pages/chat', data);
  });

  // Earlier history, put above what the tab shows (the button is replaced by the older messages and its own successor).
  const earlier = { params: idParams, querystring: z.object({ before: queryText }) };
  app.get('/chats/:id/messages', { schema: earlier }, async (req, reply) => {
    const { before } = req.query;
    const history = chatHistory(
      app.domain,
      actorOf(req),
      req.params.id,
      before !== undefined && ID_PATTERN.test(before) ? Number(before) : undefined,
    );
    return reply.fragment('partials/chat-history', { chatId: req.params.id, history });
  });

  app.post('/chats/:id/messages', { ...acceptUploads(app, maxBytes), schema: messageForm }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    try {
      if (req.upload.refused) throw req.upload.refused;
      // The writer's own message is read for them in the same transaction.
      postChatMessage(app.domain, actor, id, req.body.body, {
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
      const state = { errors: refused.errors, draft: req.body.body };
      return isHtmx(req)
        ? reply.fragment('partials/chat-composer', composerData(id, state))
        : reply.page('pages/chat', chatData(actor, id, state));
    }
  });

  app.post('/chats/:id/settings', { schema: { params: idParams, body: teamForm } }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    try {
      updateTeamChat(app.domain, actor, id, { name: req.body.name, memberIds: memberIds(req.body.members) });
      return reply.redirect(`/chats/${id}`, 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return reply.code(refused.status).page('pages/chat', { ...chatData(actor, id), settingsErrors: refused.errors });
    }
  });

  app.post('/chats/:id/leave', { schema: emptyForm }, async (req, reply) => {
    leaveChat(app.domain, actorOf(req), req.params.id);
    return reply.redirect('/chats', 303);
  });

  app.post('/chat-messages/:id/edit', { schema: messageForm }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    editChatMessage(app.domain, actor, id, req.body.body);
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  app.post('/chat-messages/:id/delete', { schema: emptyForm }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    deleteChatMessage(app.domain, actor, id, app.media);
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  const reaction = { params: idParams, body: form({ emoji: text }) };
  app.post('/chat-messages/:id/reactions', { schema: reaction }, async (req, reply) => {
    const actor = actorOf(req);
    const { id } = req.params;
    toggleChatReaction(app.domain, actor, id, req.body.emoji);
    return isHtmx(req)
      ? reply.code(204).send()
      : reply.redirect(`/chats/${chatMessageFor(app.domain, actor, id).chatId}`, 303);
  });

  app.get('/chat-media/:id/:seq', { schema: { params: z.object({ id: anId, seq: fileSeq }) } }, async (req, reply) => {
    const file = attachmentFor(app.domain, actorOf(req), req.params.id, req.params.seq);
    return sendAttachment(app, reply, file, 'private, max-age=86400, immutable');
  });
}
