import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cannedBook, createCanned, deleteCanned, updateCanned, type CannedScope } from '../domain/canned/service.ts';
import { PLACEHOLDERS } from '../domain/canned/placeholders.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { formErrorsOf, ID_PATTERN, type FormErrors } from './forms.ts';
import { form, idParams, queryText, text } from './schemas.ts';

/** Canned replies: every inbox's shared ones (kept by managers) and my own quick replies, on one page. */
const cannedForm = form({ title: text, keyword: text, body: text, scope: text });
type CannedFields = z.output<typeof cannedForm>;

export default async function cannedRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
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

  const input = ({ title, keyword, body, scope }: CannedFields) => ({ title, keyword, body, scope });

  const run = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: string,
    fields: CannedFields,
    action: () => void,
  ) => {
    try {
      action();
      return reply.redirect('/canned?saved=1', 303);
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      reply.code(refused.status);
      return page(req, reply, { form, errors: refused.errors, draft: input(fields) });
    }
  };

  app.get('/canned', { schema: { querystring: z.object({ saved: queryText }) } }, async (req, reply) =>
    page(req, reply, { saved: req.query.saved === '1' }),
  );

  app.post('/canned', { schema: { body: cannedForm } }, async (req, reply) => {
    const raw = req.body.scope;
    const scope: CannedScope = ID_PATTERN.test(raw) ? { inboxId: Number(raw) } : 'personal';
    return run(req, reply, 'new', req.body, () => createCanned(app.domain, actorOf(req), scope, input(req.body)));
  });

  app.post('/canned/:id', { schema: { params: idParams, body: cannedForm } }, async (req, reply) => {
    const { id } = req.params;
    return run(req, reply, String(id), req.body, () => updateCanned(app.domain, actorOf(req), id, input(req.body)));
  });

  app.post('/canned/:id/delete', { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    deleteCanned(app.domain, actorOf(req), req.params.id);
    return reply.redirect('/canned?saved=1', 303);
  });
}
