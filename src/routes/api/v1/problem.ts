import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { diskTroubleOf } from '../../../db/write-health.ts';
import { DomainError } from '../../../domain/errors.ts';
import { translator } from '../../../i18n/index.ts';

/** RFC 9457 problem details, as every API error answers. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};
/** The slug of a status when nothing more precise is known. */
const SLUGS: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'gone',
  413: 'too-large',
  415: 'unsupported-media-type',
  422: 'invalid',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
};

// Clients read the English texts; the slug is what a program branches on.
const english = translator('en');

/** A refusal the API layer makes itself (no token, a missing scope); the error handler answers it as a problem. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    detail: string,
    readonly extra: { headers?: Record<string, string>; field?: string } = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

export function problem(status: number, slug: string, detail?: string, errors?: Problem['errors']): Problem {
  return {
    type: `https://switchboard.dev/problems/${slug}`,
    title: TITLES[status] ?? SLUGS[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').serializer(JSON.stringify).send(body);
}

/** `conversation.not_open` → `conversation-not-open`: a domain rule's stable name. */
const slugOfKey = (key: string): string => key.replace(/^error\./, '').replace(/[._]/g, '-');

/** Where a schema said no: `limit`, `phones.0`. */
const fieldOf = (path: string): string => path.replace(/^\//, '').replaceAll('/', '.');

/** Every error the API's routes throw, as problem+json; never the HTML error page. */
export function problemFor(err: unknown, req: FastifyRequest): Problem & { retryAfter?: string } {
  if (err instanceof ApiProblem) {
    const errors = err.extra.field ? [{ field: err.extra.field, message: err.message }] : undefined;
    return problem(err.status, err.slug, err.message, errors);
  }
  if (err instanceof DomainError) {
    const message = english(err.key, err.params);
    return problem(err.status, slugOfKey(err.key), message, err.field ? [{ field: err.field, message }] : undefined);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    // An id that is not one names nothing: the same 404 as an id nobody may read.
    if ((err as FastifyError).validationContext === 'params') return problem(404, 'not-found', 'No such resource.');
    const errors = err.validation.map((v) => ({ field: fieldOf(v.instancePath), message: v.message ?? 'Invalid.' }));
    return problem(422, 'invalid', 'The request does not match the schema.', errors);
  }
  const trouble = diskTroubleOf(err);
  if (trouble) {
    req.server.writeHealth.failed(trouble);
    req.log.error({ err }, 'a write failed: the disk');
    return { ...problem(503, 'disk', english('error.disk')), retryAfter: '60' };
  }
  const status = (err as { statusCode?: number }).statusCode ?? 500;
  if (status >= 500) {
    req.log.error({ err }, 'API request failed');
    return problem(500, 'internal', 'Something went wrong on the server.');
  }
  req.log.info({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'bad API request');
  return problem(status, SLUGS[status] ?? 'bad-request', (err as Error).message);
}
