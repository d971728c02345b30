import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  isSearchCursor,
  searchConversations,
  type SearchFilter,
  type SearchHit,
} from '../../../domain/search/index.ts';
import { callerOf } from './bearer.ts';
import { pageOf } from './cursor.ts';
import { problems } from './openapi.ts';
import { ApiProblem } from './problem.ts';
import { iso, timestamp } from './shapes.ts';

const id = z.coerce.number().int().positive();

/** The conversation list's filters a search combines with (those SearchFilter takes), and the order. */
const searchQuery = z.object({
  q: z.string().max(1000).describe('Words or a number; searched as text (quotes, `AND`, `-` are no operators).'),
  order: z
    .enum(['newest', 'best'])
    .default('newest')
    .describe('Conversations with the newest matches first, or the best matches first.'),
  status: z.enum(['open', 'snoozed', 'closed', 'spam', 'any']).default('any'),
  inbox: id.optional(),
  assignee: z
    .union([z.enum(['me', 'none']), id])
    .optional()
    .describe('`me`, `none` or a user id.'),
  tag: id.optional().describe('A tag id.'),
  from: z.iso.datetime({ offset: true }).optional().describe('Last activity at or after this time.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Last activity before this time.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

const searchHitSchema = z
  .object({
    conversationId: z.number().int(),
    inboxId: z.number().int().nullable().describe('Null for a team chat.'),
    lastMessageAt: timestamp,
    matches: z.number().int().describe('How many of its texts, notes and contact details match.'),
    snippet: z
      .array(z.object({ text: z.string(), hit: z.boolean() }))
      .describe('The best match in plain text (never HTML), cut into parts; `hit` marks the matching ones.'),
    source: z.enum(['message', 'note', 'contact']).describe('Where the snippet comes from.'),
  })
  .meta({ id: 'SearchHit' });

function filterOf(q: z.infer<typeof searchQuery>): SearchFilter {
  return {
    order: q.order,
    ...(q.status === 'any' ? {} : { status: q.status }),
    ...(q.inbox === undefined ? {} : { inboxId: q.inbox }),
    ...(q.assignee === undefined ? {} : { assignee: q.assignee }),
    ...(q.tag === undefined ? {} : { tagId: q.tag }),
    ...(q.from === undefined ? {} : { from: Date.parse(q.from) }),
    ...(q.to === undefined ? {} : { to: Date.parse(q.to) }),
  };
}

// The search's own position, wrapped so clients treat it as opaque; a cursor it never gave out is a 422.
function searchAfter(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isSearchCursor(position))
    throw new ApiProblem(422, 'invalid-cursor', 'The cursor is not one this list gave out.', { field: 'cursor' });
  return position;
}

const hitOf = (h: SearchHit): z.infer<typeof searchHitSchema> => ({ ...h, lastMessageAt: iso(h.lastMessageAt) });

/** GET /search: the app's search over texts, notes and contacts, with the user's rights, one page of conversations. */
const searchRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/search',
    {
      config: { scope: 'conversations:read' },
      schema: {
        summary: 'Search conversations',
        description:
          'Over message texts, notes, contact names, companies, emails and numbers (`mueller` finds Müller, ' +
          '`5550` a number), one hit per conversation, only where the user may read.',
        tags: ['conversations'],
        querystring: searchQuery,
        response: { 200: pageOf(searchHitSchema), ...problems(403, 422) },
      },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const page = searchConversations(app.domain, callerOf(req).actor, {
        q,
        filter: filterOf(req.query),
        limit,
        cursor: searchAfter(cursor),
      });
      return {
        data: page.hits.map(hitOf),
        next: page.next === null ? null : Buffer.from(page.next).toString('base64url'),
      };
    },
  );
};
export default searchRoutes;
