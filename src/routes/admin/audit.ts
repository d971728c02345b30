import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { auditCsv } from '../../domain/audit/export.ts';
import { actorOf } from '../../plugins/auth.ts';
import { auditQuerySchema, auditQueryIn, type AuditQueryInput } from '../../presenters/audit-query.ts';
import { timeZoneOf } from '../../presenters/viewer.ts';
import { auditPageData } from '../../presenters/audit.ts';
import { adminOnly } from './guard.ts';

/** The audit log (`/admin/audit`) and its CSV export with the same filters (`/admin/audit.csv`). */
export default async function adminAuditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', adminOnly);
  // Days in the filters begin at midnight where the admin is, as in the conversation list.
  const query = (req: FastifyRequest, input: AuditQueryInput) =>
    auditQueryIn(input, timeZoneOf(req.auth!.user, app.configStore.current));
  const schema = { querystring: auditQuerySchema };

  app.get('/audit', { schema }, async (req, reply) =>
    reply.page('pages/admin-audit', auditPageData(app.domain, actorOf(req), req.t, query(req, req.query))),
  );

  // Streamed in batches: an export of years of records is never held in memory at once.
  app.get('/audit.csv', { schema }, async (req, reply) => {
    const lines = auditCsv(app.domain, actorOf(req), query(req, req.query).filter);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit-log.csv"')
      .send(Readable.from(lines, { objectMode: false }));
  });
}
