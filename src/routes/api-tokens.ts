import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createApiToken, listApiTokens, revokeApiToken, scopesFor } from '../domain/api-tokens/tokens.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { formErrorsOf, type FormErrors } from './forms.ts';
import { form, idParams, repeated, text } from './schemas.ts';

export const TOKENS_PATH = '/settings/api-tokens';

interface State {
  /** A token just made: shown this once. */
  created?: string | null;
  revoked?: string | null;
  errors?: FormErrors;
  draft?: { name: string; scopes: string[] };
}

/** Settings → API tokens: make one (shown once), see them with their last use, revoke one. */
const apiTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', requireUser);

  const show = (req: FastifyRequest, reply: FastifyReply, state: State = {}) => {
    const actor = actorOf(req);
    return reply.page('pages/api-tokens', {
      tokens: listApiTokens(app.domain, actor, actor.id),
      scopes: scopesFor(actor.role),
      created: state.created ?? null,
      revoked: state.revoked ?? null,
      errors: state.errors ?? {},
      draft: state.draft ?? { name: '', scopes: [] },
    });
  };

  app.get(TOKENS_PATH, async (req, reply) => show(req, reply));

  app.post(TOKENS_PATH, { schema: { body: form({ name: text, scopes: repeated }) } }, async (req, reply) => {
    const actor = actorOf(req);
    try {
      const { token } = createApiToken(app.domain, actor, {
        userId: actor.id,
        name: req.body.name,
        scopes: req.body.scopes,
      });
      req.log.info({ userId: actor.id }, 'API token created');
      return show(req, reply, { created: token });
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return show(req, reply.code(refused.status), {
        errors: refused.errors,
        draft: { name: req.body.name, scopes: req.body.scopes },
      });
    }
  });

  app.post(`${TOKENS_PATH}/:id/revoke`, { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
    const revoked = revokeApiToken(app.domain, actorOf(req), req.params.id);
    req.log.info({ userId: revoked.userId, tokenId: revoked.id }, 'API token revoked');
    return show(req, reply, { revoked: revoked.name });
  });
};
export default apiTokenRoutes;
