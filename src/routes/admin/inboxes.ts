import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createInbox,
  getInboxStaffing,
  listSharedInboxes,
  renameInbox,
  setMembers,
} from '../../domain/inboxes/service.ts';
import { invalid } from '../../domain/errors.ts';
import { actorOf } from '../../plugins/auth.ts';
import { field, fields, formErrorsOf, ID_PATTERN, idParam, type FormErrors } from '../forms.ts';
import { adminOnly } from './guard.ts';

export default async function adminInboxRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', adminOnly);

  const showList = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { name?: string; errors?: FormErrors; notice?: string } = {},
  ) =>
    reply.pageOrFragment('pages/admin-inboxes', 'partials/admin-inboxes', {
      inboxes: listSharedInboxes(app.domain, actorOf(req)),
      name: state.name ?? '',
      errors: state.errors ?? {},
      notice: state.notice ?? null,
    });

  const showOne = (
    req: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: { name?: string; errors?: FormErrors; notice?: string } = {},
  ) => {
    const { inbox, people } = getInboxStaffing(app.domain, actorOf(req), id);
    return reply.pageOrFragment('pages/admin-inbox', 'partials/admin-inbox', {
      inbox,
      // The inbox's switches (assignment, round-robin, moving), as its conversation list offers them.
      inboxSettings: inbox,
      name: state.name ?? inbox.name,
      people,
      errors: state.errors ?? {},
      notice: state.notice ?? null,
    });
  };

  app.get('/', async (req, reply) => showList(req, reply));

  app.post('/', async (req, reply) => {
    const name = field(req, 'name');
    try {
      const inbox = createInbox(app.domain, actorOf(req), { name });
      return showList(req, reply, { notice: req.t('admin.inboxes.created', { name: inbox.name }) });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showList(req, reply.code(refused.status), { name, errors: refused.errors });
    }
  });

  app.get('/:id', async (req, reply) => showOne(req, reply, idParam(req)));

  app.post('/:id', async (req, reply) => {
    const id = idParam(req);
    const name = field(req, 'name');
    try {
      renameInbox(app.domain, actorOf(req), id, { name });
      return showOne(req, reply, id, { notice: req.t('admin.inboxes.renamed') });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showOne(req, reply.code(refused.status), id, { name, errors: refused.errors });
    }
  });

  app.post('/:id/members', async (req, reply) => {
    const id = idParam(req);
    const ids = fields(req, 'members').map((v) => (ID_PATTERN.test(v) ? Number(v) : NaN));
    try {
      if (ids.some(Number.isNaN)) throw invalid('inbox.member_unknown', 'members');
      setMembers(app.domain, actorOf(req), id, ids);
      return showOne(req, reply, id, { notice: req.t('admin.inboxes.members_saved') });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showOne(req, reply.code(refused.status), id, { errors: refused.errors });
    }
  });
}
