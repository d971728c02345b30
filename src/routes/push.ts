import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { subscribe, unsubscribe } from '../domain/push/subscriptions.ts';
import { staticDir } from '../paths.ts';
import { actorOf, requireUser } from '../plugins/auth.ts';
import { form, text } from './schemas.ts';

/** Served but not part of the app shell: the type-checking setup, and the worker itself. */
const NOT_SHELL = /(^|\/)(tsconfig\.json|types\.d\.ts)$|^worker\//;

/**
 * The service worker with what it caches prepended: every file under /static/ and the offline page, under a name
 * that changes with their contents, so a new release replaces the cache (the browser compares the worker byte for
 * byte on each visit).
 */
function workerScript(): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const name = relative(staticDir, path).split(sep).join('/');
        if (NOT_SHELL.test(name)) continue;
        files.push(`/static/${name}`);
        hash.update(name).update(readFileSync(path));
      }
    }
  };
  walk(staticDir);
  const script = readFileSync(join(staticDir, 'worker', 'sw.js'), 'utf8');
  hash.update(script);
  const shell = { version: hash.digest('base64url').slice(0, 16), files: [...files, '/offline'] };
  return `self.SHELL = ${JSON.stringify(shell)};\n${script}`;
}

/** `devFiles`: static files change while the server runs (development), so the worker is made afresh each time. */
const subscriptionForm = form({ endpoint: text, p256dh: text, auth: text });

export default async function pushRoutes(fastify: FastifyInstance, opts: { devFiles?: boolean }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const script = workerScript();

  // At the root, so that its scope is the whole app; always checked again (browsers cap its HTTP cache at a day).
  app.get('/sw.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .send(opts.devFiles ? workerScript() : script),
  );

  // What a phone shows when it has no connection: cached by the service worker, so it needs no sign-in.
  app.get('/offline', async (_req, reply) => reply.page('pages/offline'));

  app.post(
    '/push/subscriptions',
    { preHandler: requireUser, schema: { body: subscriptionForm } },
    async (req, reply) => {
      // A refusal (422) is the app's alert, in the person's language, as for any form.
      const { endpoint, p256dh, auth } = req.body;
      subscribe(app.domain, actorOf(req), {
        endpoint,
        p256dh,
        auth,
        label: req.headers['user-agent'] ?? '',
      });
      return reply.code(204).send();
    },
  );

  const endpointForm = form({ endpoint: text });
  app.delete('/push/subscriptions', { preHandler: requireUser, schema: { body: endpointForm } }, async (req, reply) => {
    unsubscribe(app.domain, actorOf(req), req.body.endpoint);
    return reply.code(204).send();
  });
}
