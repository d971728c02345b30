import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor, DomainContext } from '../../../domain/context.ts';
import { assignConversation, moveConversation, setConversationStatus } from '../../../domain/conversations/actions.ts';
import { listConversations, type ListFilter, type ListRow } from '../../../domain/conversations/list.ts';
import { getConversation, type ConversationView } from '../../../domain/conversations/queries.ts';
import { addTag, removeTag } from '../../../domain/tags/service.ts';
import { callerOf } from './bearer.ts';
import { pageOf } from './cursor.ts';
import { idParams, problems } from './openapi.ts';
import { ApiProblem } from './problem.ts';
import { conversationSchema, conversationSummarySchema, iso, isoOrNull, noBody, tagSchema } from './shapes.ts';

const id = z.coerce.number().int().positive();

/** The UI list's filters (src/presenters/list-query.ts), as query parameters; times as ISO 8601. */
const listQuery = z.object({
  scope: z
    .enum(['shared', 'personal', 'history'])
    .default('shared')
    .describe('Shared inboxes, your personal numbers, or a number’s earlier history (needs `number`).'),
  status: z.enum(['open', 'snoozed', 'closed', 'spam', 'any']).default('any'),
  inbox: id.optional(),
  number: id.optional(),
  assignee: z
    .union([z.enum(['me', 'none']), id])
    .optional()
    .describe('`me`, `none` or a user id.'),
  tag: id.optional().describe('A tag id.'),
  unread: z.stringbool().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Last activity at or after this time.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Last activity before this time.'),
  sort: z.enum(['newest', 'oldest', 'waiting']).default('newest'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

/** An optional version: with it, a change to a conversation someone changed since is refused (409). */
const versioned = z.object({ version: z.number().int().optional() }).nullish();

// The list's own keyset position ("k0.k1"), wrapped so clients treat it as opaque.
const LIST_POSITION = /^-?\d{1,16}(\.-?\d{1,16}){1,3}$/;
function listAfter(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!LIST_POSITION.test(position))
    throw new ApiProblem(422, 'invalid-cursor', 'The cursor is not one this list gave out.', { field: 'cursor' });
  return position;
}

function filterOf(q: z.infer<typeof listQuery>): ListFilter {
  return {
    scope: q.scope,
    sort: q.sort,
    ...(q.status === 'any' ? {} : { status: q.status }),
    ...(q.inbox === undefined ? {} : { inboxId: q.inbox }),
    ...(q.number === undefined ? {} : { numberId: q.number }),
    ...(q.assignee === undefined ? {} : { assignee: q.assignee }),
    ...(q.tag === undefined ? {} : { tagId: q.tag }),
    ...(q.unread ? { unread: true } : {}),
    ...(q.from === undefined ? {} : { from: Date.parse(q.from) }),
    ...(q.to === undefined ? {} : { to: Date.parse(q.to) }),
  };
}

const summaryOf = (r: ListRow): z.infer<typeof conversationSummarySchema> => ({
  id: r.id,
  inboxId: r.inboxId,
  inboxName: r.inboxName,
  personal: r.personal,
  status: r.status,
  snoozedUntil: isoOrNull(r.snoozedUntil),
  contactName: r.contactName,
  phone: r.phone,
  number: r.numberE164,
  assigneeName: r.assigneeName,
  lastMessageAt: iso(r.lastMessageAt),
  waitingSince: isoOrNull(r.waitingSince),
  preview: r.preview,
  tags: r.tags,
  unread: r.unread,
});

export const conversationOf = (v: ConversationView): z.infer<typeof conversationSchema> => ({
  id: v.id,
  version: v.version,
  inboxId: v.inboxId,
  inboxName: v.inboxName,
  personal: v.personal,
  status: v.status,
  snoozedUntil: isoOrNull(v.snoozedUntil),
  contactId: v.contactId,
  contactName: v.contactName,
  phone: v.phone,
  number: v.numberE164,
  optedOut: v.optedOut,
  assigneeId: v.assigneeId,
  assigneeName: v.assigneeName,
  tags: v.tags,
});

/** The version to change against: the one the client read, or (none given) the current one. */
const versionOf = (
  ctx: DomainContext,
  actor: Actor,
  conversationId: number,
  given?: { version?: number | undefined } | null,
) => given?.version ?? getConversation(ctx, actor, conversationId).version;

/** Conversations: the list with the UI's filters, one conversation, and what can be done to it. */
const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  const show = (actor: Actor, conversationId: number) =>
    conversationOf(getConversation(app.domain, actor, conversationId));

  app.get(
    '/conversations',
    {
      config: { scope: 'conversations:read' },
      schema: {
        summary: 'List conversations',
        description: 'The filters of the conversation list in the app; newest activity first unless `sort` says.',
        tags: ['conversations'],
        querystring: listQuery,
        response: { 200: pageOf(conversationSummarySchema), ...problems(403, 404, 422) },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      const page = listConversations(app.domain, actor, filterOf(req.query), listAfter(req.query.cursor), undefined, {
        size: req.query.limit,
        pins: false,
      });
      return {
        data: page.rows.map(summaryOf),
        next: page.next === null ? null : Buffer.from(page.next).toString('base64url'),
      };
    },
  );

  app.get(
    '/conversations/:id',
    {
      config: { scope: 'conversations:read' },
      schema: {
        summary: 'Get a conversation',
        tags: ['conversations'],
        params: idParams,
        response: { 200: conversationSchema, ...problems(403, 404) },
      },
    },
    async (req) => show(callerOf(req).actor, req.params.id),
  );

  app.post(
    '/conversations/:id/assign',
    {
      config: { scope: 'conversations:write' },
      schema: {
        summary: 'Assign a conversation',
        description: 'To a member of its inbox, or to nobody with `assigneeId: null`.',
        tags: ['conversations'],
        params: idParams,
        body: z.object({ assigneeId: z.number().int().positive().nullable(), version: z.number().int().optional() }),
        response: { 200: conversationSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      const { id: conversationId } = req.params;
      const version = versionOf(app.domain, actor, conversationId, req.body);
      assignConversation(app.domain, actor, conversationId, version, req.body.assigneeId);
      return show(actor, conversationId);
    },
  );

  for (const [action, status] of [
    ['close', 'closed'],
    ['reopen', 'open'],
  ] as const) {
    app.post(
      `/conversations/:id/${action}`,
      {
        config: { scope: 'conversations:write' },
        schema: {
          summary: action === 'close' ? 'Close a conversation' : 'Reopen a conversation',
          tags: ['conversations'],
          params: idParams,
          body: versioned,
          response: { 200: conversationSchema, ...problems(403, 404, 409) },
        },
      },
      async (req) => {
        const { actor } = callerOf(req);
        const { id: conversationId } = req.params;
        const version = versionOf(app.domain, actor, conversationId, req.body);
        setConversationStatus(app.domain, actor, conversationId, version, status);
        return show(actor, conversationId);
      },
    );
  }

  app.post(
    '/conversations/:id/move',
    {
      config: { scope: 'conversations:write' },
      schema: {
        summary: 'Move a conversation to another inbox',
        tags: ['conversations'],
        params: idParams,
        body: z.object({ inboxId: z.number().int().positive(), version: z.number().int().optional() }),
        response: { 200: conversationSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (req) => {
      const { actor } = callerOf(req);
      const { id: conversationId } = req.params;
      const version = versionOf(app.domain, actor, conversationId, req.body);
      moveConversation(app.domain, actor, conversationId, version, req.body.inboxId);
      return show(actor, conversationId);
    },
  );

  app.post(
    '/conversations/:id/tags',
    {
      config: { scope: 'conversations:write' },
      schema: {
        summary: 'Tag a conversation',
        description: 'With an existing tag (matched regardless of case) or a new one.',
        tags: ['conversations'],
        params: idParams,
        body: z.object({ name: z.string() }),
        response: { 201: tagSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      const tag = addTag(app.domain, callerOf(req).actor, req.params.id, req.body.name);
      return reply.code(201).send(tag);
    },
  );

  app.delete(
    '/conversations/:id/tags/:tagId',
    {
      config: { scope: 'conversations:write' },
      schema: {
        summary: 'Remove a tag from a conversation',
        tags: ['conversations'],
        params: z.object({ id, tagId: id }),
        body: noBody,
        response: { 204: z.null().describe('Removed.'), ...problems(403, 404) },
      },
    },
    async (req, reply) => {
      removeTag(app.domain, callerOf(req).actor, req.params.id, req.params.tagId);
      return reply.code(204).send(null);
    },
  );
};
export default conversationRoutes;
