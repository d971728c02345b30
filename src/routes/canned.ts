import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cannedBook, createCanned, deleteCanned, updateCanned, type CannedScope } from '../domain/canned/service.ts';
import { PLACEHOLDERS } from '../domain/canned/placeholders.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { field, formErrorsOf, ID_PATTERN, idParam, type FormErrors } from './forms.ts';

/** Canned replies: every inbox's shared ones (kept by managers) and my own quick replies, on one page. */
export default async function cannedRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireUser);

  /** `form` names the form a refusal belongs to (`new`, or a reply's id), so its message shows in place. */
  const page = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { form?: string; errors?: FormErrors; draft?: Record<string, string>; saved?: boolean } = {},
  ) =>
    reply.page('pages/canned', {
      book: cannedBook(app.domain, actorOf(req)),
      placeholders: PLACEHOLDERS.map((p) => `{{${p}}}`),
      form: state.form ?? null,
      errors: state.errors ?? {},
      draft: state.draft ?? {},
      saved: state.saved ?? false,
    });

  const input = (req: FastifyRequest) => ({
    title: field(req, 'title'),
    keyword: field(req, 'keyword'),
    body: field(req, 'body'),
    scope: field(req, 'scope'),
  });

  const run = async (req: FastifyRequest, reply: FastifyReply, form: string, action: () => void) => {
    try {
      action();
      return reply.redirect('/canned?saved=1', 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return page(req, reply, { form, errors: refused.errors, draft: input(req) });
    }
  };

  app.get('/canned', async (req, reply) =>
    page(req, reply, { saved: (req.query as Record<string, unknown>).saved === '1' }),
  );

  app.post('/canned', async (req, reply) => {
    const raw = field(req, 'scope');
    const scope: CannedScope = ID_PATTERN.test(raw) ? { inboxId: Number(raw) } : 'personal';
    return run(req, reply, 'new', () => createCanned(app.domain, actorOf(req), scope, input(req)));
  });

  app.post('/canned/:id', async (req, reply) => {
    const id = idParam(req);
    return run(req, reply, String(id), () => updateCanned(app.domain, actorOf(req), id, input(req)));
  });

  app.post('/canned/:id/delete', async (req, reply) => {
    deleteCanned(app.domain, actorOf(req), idParam(req));
    return reply.redirect('/canned?saved=1', 303);
  });
}
