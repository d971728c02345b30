import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from './problem.ts';

export const API_PREFIX = '/api/v1';

/**
 * The OpenAPI document, built from the API routes' zod schemas. Registered inside the API plugin, so it only
 * sees the API's routes; anything else that reaches it (an HTML route) is hidden all the same.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchboard API',
        version: '1',
        description:
          'The shared inbox over HTTP. Authenticate with `Authorization: Bearer <token>` (Settings → API tokens). ' +
          'Errors are `application/problem+json`; lists answer `{ data, next }` and take `limit` and `cursor`.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: (doc) =>
      doc.url.startsWith(`${API_PREFIX}/`) ? jsonSchemaTransform(doc) : { schema: { hide: true }, url: doc.url },
    transformObject: jsonSchemaTransformObject,
  });
}

/** Answers a route may give besides its own: each a problem document. */
export function problems(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429)[]) {
  return Object.fromEntries([401, 429, ...statuses].map((s) => [s, problemSchema])) as Record<
    number,
    typeof problemSchema
  >;
}

/** `{id}` in a path: a positive integer; anything else is a 404 (see problem.ts). */
export const idParams = z.object({ id: z.coerce.number().int().positive() });
