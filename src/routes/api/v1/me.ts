import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiScopes } from '../../../domain/api-tokens/tokens.ts';
import { findUserById } from '../../../domain/users/service.ts';
import { callerOf } from './bearer.ts';
import { problems } from './openapi.ts';

const meSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    role: z
      .enum(['admin', 'manager', 'agent'])
      .describe('The role the token acts with: an admin’s token without the `admin` scope acts as a manager.'),
    scopes: z.array(z.enum(apiScopes)),
  })
  .meta({ id: 'Me' });

/** GET /me: who the token acts as, and what it may do. Needs no scope. */
const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    { schema: { summary: 'The token’s user and scopes', tags: ['me'], response: { 200: meSchema, ...problems() } } },
    async (req) => {
      const caller = callerOf(req);
      const user = findUserById(app.domain, caller.actor.id)!;
      return { id: user.id, name: user.name, email: user.email, role: caller.actor.role, scopes: [...caller.scopes] };
    },
  );
};
export default meRoutes;
