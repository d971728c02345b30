import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createInbox,
  getInboxStaffing,
  listSharedInboxes,
  renameInbox,
  setMembers,
} from '../../domain/inboxes/service.ts';
import { invalid } from '../../domain/errors.ts';
import { actorOf } from '../../plugins/auth.ts';
import { formErrorsOf, ID_PATTERN, type FormErrors } from '../forms.ts';
import { form, idParams, repeated, text } from '../schemas.ts';
import { adminOnly } from './guard.ts';

const nameForm = form({ name: text });

export default async function adminInboxRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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

  app.post('/', { schema: { body: nameForm } }, async (req, reply) => {
    const { name } = req.body;
    try {
      const inbox = createInbox(app.domain, actorOf(req), { name });
      return showList(req, reply, { notice: req.t('admin.inboxes.created', { name: inbox.name }) });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showList(req, reply.code(refused.status), { name, errors: refused.errors });
    }
  });

  app.get('/:id', { schema: { params: idParams } }, async (req, reply) => showOne(req, reply, req.params.id));

  app.post('/:id', { schema: { params: idParams, body: nameForm } }, async (req, reply) => {
    const { id } = req.params;
    const { name } = req.body;
    try {
      renameInbox(app.domain, actorOf(req), id, { name });
      return showOne(req, reply, id, { notice: req.t('admin.inboxes.renamed') });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showOne(req, reply.code(refused.status), id, { name, errors: refused.errors });
    }
  });

  app.post('/:id/members', { schema: { params: idParams, body: form({ members: repeated }) } }, async (req, reply) => {
    const { id } = req.params;
    const ids = req.body.members.map((v) => (ID_PATTERN.test(v) ? Number(v) : NaN));
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
