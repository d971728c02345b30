import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken, type ApiScope } from '../../../domain/api-tokens/tokens.ts';
import type { Actor } from '../../../domain/context.ts';
import { ApiProblem } from './problem.ts';

/** Who an API request acts as: the token's user, with the token's scopes. */
export interface ApiCaller {
  tokenId: number;
  actor: Actor;
  scopes: readonly ApiScope[];
}

declare module 'fastify' {
  interface FastifyRequest {
    api: ApiCaller | null;
  }
  interface FastifyContextConfig {
    /** An API route anyone may read without a token (the OpenAPI document and its reference page). */
    public?: boolean;
    /** The scope an API route needs (see index.ts: checked before validation, and said in the document). */
    scope?: ApiScope;
  }
}

const BEARER = /^Bearer ([^\s]+)$/i;

function unauthorized(detail: string): ApiProblem {
  return new ApiProblem(401, 'unauthorized', detail, { headers: { 'www-authenticate': 'Bearer realm="switchboard"' } });
}

/**
 * onRequest: the `Authorization: Bearer` token names the caller. The session cookie is never read here (it is
 * dropped, so CSRF does not apply): a page's cookies cannot act through the API.
 */
export async function bearerAuth(req: FastifyRequest): Promise<void> {
  req.auth = null;
  if (req.routeOptions.config.public) return;
  const header = req.headers.authorization;
  if (!header) throw unauthorized('Send the token as "Authorization: Bearer <token>".');
  const token = BEARER.exec(header)?.[1];
  const resolved = token ? resolveApiToken(req.server.domain, token) : null;
  if (!resolved) throw unauthorized('The token is malformed, unknown or revoked.');
  req.api = {
    tokenId: resolved.tokenId,
    actor: { id: resolved.user.id, role: resolved.role, address: req.ip },
    scopes: resolved.scopes,
  };
}

/** The caller of a route behind bearerAuth. */
export function callerOf(req: FastifyRequest): ApiCaller {
  if (!req.api) throw new Error('callerOf called on a request without a token');
  return req.api;
}

/**
 * preValidation, so a token without the scope hears so before anything about its request: it must carry
 * `needed` (403 otherwise; the user's own rights still apply after it).
 */
export function scope(needed: ApiScope) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!callerOf(req).scopes.includes(needed))
      throw new ApiProblem(403, 'insufficient-scope', `This token lacks the scope ${needed}.`);
  };
}
