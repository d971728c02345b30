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
          'Errors are `application/problem+json`; lists answer `{ data, next }` and take `limit` and `cursor`.\n\n' +
          'A token acts with its user’s rights, within its scopes (each operation says the one it needs). ' +
          'The `admin` scope (offered to admins only) carries the admin’s rights: an admin’s token without it ' +
          'acts as a manager — it reads only the inboxes the admin is a member of, and what only an admin may do ' +
          'is refused with 403.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token from Settings → API tokens; without the `admin` scope an admin’s acts as a manager.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: (doc) =>
      doc.url.startsWith(`${API_PREFIX}/`) ? transformRoute(doc) : { schema: { hide: true }, url: doc.url },
    transformObject: jsonSchemaTransformObject,
  });
}

type RouteDocument = Parameters<typeof jsonSchemaTransform>[0];
type ContentBody = { content: Record<string, { schema: z.ZodType }> };

const isContentBody = (body: unknown): body is ContentBody =>
  typeof body === 'object' && body !== null && 'content' in body && !(body instanceof z.ZodType);

/**
 * The zod transform converts one body schema; a route that takes several types declares a zod schema per type in
 * `body.content` (as Fastify validates it): each is converted as the route's only body would be, and the document
 * gets them as the operation's request body per media type.
 */
function transformRoute(doc: RouteDocument): ReturnType<typeof jsonSchemaTransform> {
  const body: unknown = doc.schema?.body;
  if (!isContentBody(body)) return jsonSchemaTransform(doc);
  const bodyOf = (schema: z.ZodType): unknown =>
    (jsonSchemaTransform({ ...doc, schema: { body: schema } }).schema as { body?: unknown }).body;
  const rest = jsonSchemaTransform({ ...doc, schema: { ...doc.schema, body: undefined } });
  const content = Object.fromEntries(
    Object.entries(body.content).map(([type, { schema }]) => [type, { schema: bodyOf(schema) }]),
  );
  return { ...rest, schema: { ...rest.schema, body: { content } } };
}

/** Answers a route may give besides its own: each a problem document (401 and 429 on every route). */
export function problems(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429)[]) {
  return Object.fromEntries(
    [401, ...statuses, 429].map((status) => [
      status,
      { description: PROBLEM_TEXTS[status], content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  );
}

const PROBLEM_TEXTS: Record<number, string> = {
  400: 'The request could not be read.',
  401: 'No token, or a malformed, unknown or revoked one.',
  403: 'The token lacks the scope, or the user may not do this.',
  404: 'No such resource, or one the user may not read.',
  409: 'It changed since (send the current `version`), or it is already so.',
  413: 'The body is too large.',
  415: 'The body is of a type the route does not take.',
  422: 'The request does not pass the schema or a rule; `errors` names the fields.',
  429: 'Too many requests from this token: wait for `Retry-After` seconds.',
};

/** `{id}` in a path: a positive integer; anything else is a 404 (see problem.ts). */
export const idParams = z.object({ id: z.coerce.number().int().positive() });
