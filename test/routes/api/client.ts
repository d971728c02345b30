import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { multipartBody } from '../../helper.ts';

/** One API request as a script sends it: JSON in, the bearer token in the header. */
export function api(
  app: FastifyInstance,
  token: string | null,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** A send with files as a script sends one (curl -F): a multipart form with `files` parts, the bearer token in the header. */
export async function apiMultipart(
  app: FastifyInstance,
  token: string,
  url: string,
  fields: Record<string, string>,
  files: Parameters<typeof multipartBody>[1],
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { payload, contentType } = await multipartBody(fields, files);
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
  });
}
