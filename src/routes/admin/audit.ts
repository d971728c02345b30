import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { auditCsv } from '../../domain/audit/export.ts';
import { actorOf } from '../../plugins/auth.ts';
import { parseAuditQuery } from '../../presenters/audit-query.ts';
import { timeZoneOf } from '../../presenters/viewer.ts';
import { auditPageData } from '../../presenters/audit.ts';
import { adminOnly } from './guard.ts';

/** The audit log (`/admin/audit`) and its CSV export with the same filters (`/admin/audit.csv`). */
export default async function adminAuditRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);
  // Days in the filters begin at midnight where the admin is, as in the conversation list.
  const query = (req: FastifyRequest) =>
    parseAuditQuery(req.query, timeZoneOf(req.auth!.user, app.configStore.current));

  app.get('/audit', async (req, reply) =>
    reply.page('pages/admin-audit', auditPageData(app.domain, actorOf(req), req.t, query(req))),
  );

  // Streamed in batches: an export of years of records is never held in memory at once.
  app.get('/audit.csv', async (req, reply) => {
    const lines = auditCsv(app.domain, actorOf(req), query(req).filter);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit-log.csv"')
      .send(Readable.from(lines, { objectMode: false }));
  });
}
