import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listInboxesFor } from '../../../domain/inboxes/service.ts';
import { callerOf } from './bearer.ts';
import { afterId, pageFrom, pageOf, pageQuery } from './cursor.ts';
import { problems } from './openapi.ts';

const inboxSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    personal: z.boolean().describe('A user’s own inbox for their personal numbers.'),
  })
  .meta({ id: 'Inbox' });

/** GET /inboxes: the inboxes the user works in, by id. */
const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/inboxes',
    {
      config: { scope: 'conversations:read' },
      schema: {
        summary: 'The inboxes the user works in',
        tags: ['inboxes'],
        querystring: pageQuery,
        response: { 200: pageOf(inboxSchema), ...problems(403, 422) },
      },
    },
    async (req) => {
      const after = afterId(req.query.cursor);
      const rows = listInboxesFor(app.domain, callerOf(req).actor)
        .filter((i) => i.id > after)
        .sort((a, b) => a.id - b.id);
      return pageFrom(
        rows,
        req.query.limit,
        (i) => [i.id],
        (i) => ({ id: i.id, name: i.name, personal: i.ownerUserId !== null }),
      );
    },
  );
};
export default inboxRoutes;
