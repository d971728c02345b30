import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the route's body may be: `form` (the default) a urlencoded form; `upload` that or a multipart form
     * with files (src/routes/uploads.ts); `json` JSON (the API's, with its own parser); `json-or-upload` that or a
     * multipart form with files (the API's send); `own` whatever the route's own content-type parsers take (MM7).
     */
    body?: 'form' | 'upload' | 'json' | 'json-or-upload' | 'own';
  }
}

const TYPES: Record<'form' | 'upload' | 'json' | 'json-or-upload', string[]> = {
  form: ['application/x-www-form-urlencoded'],
  upload: ['application/x-www-form-urlencoded', 'multipart/form-data'],
  json: ['application/json'],
  'json-or-upload': ['application/json', 'multipart/form-data'],
};

const unsupported = (what: string): Error =>
  Object.assign(new Error(`This route does not take ${what}.`), { statusCode: 415 });

/**
 * The app reads forms, as browsers send them: no JSON or text parser, so no field is ever a nested value. A body
 * of another type than the route takes is refused with 415 before it is read, and so is a compressed one (a gzip
 * bomb among them). Registered after the auth plugin: the refusal is in the user's language.
 */
export default fp<{ bodyLimit: number }>(async (app, opts) => {
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: opts.bodyLimit });
  // Parser only: the routes that take files read them themselves (src/routes/uploads.ts), with their limits.
  await app.register(multipart, { throwFileSizeLimit: false });

  // Thrown, not answered here: the route's error handler words it (a page's in the user's language, the API's as a problem).
  app.addHook('onRequest', async (req) => {
    const encoding = req.headers['content-encoding'];
    if (encoding && encoding.toLowerCase() !== 'identity') throw unsupported('a compressed body');
    const takes = req.routeOptions.config.body ?? 'form';
    if (takes === 'own' || req.method === 'GET' || req.method === 'HEAD' || req.headers['content-type'] === undefined)
      return;
    if (!TYPES[takes].includes(req.mediaType ?? '')) throw unsupported(`a body of type ${req.mediaType ?? '?'}`);
  });
});
