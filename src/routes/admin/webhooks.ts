import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createEndpoint,
  endRotation,
  getEndpoint,
  rotateSecret,
  setEndpointEnabled,
  updateEndpoint,
  type EndpointInput,
} from '../../domain/webhooks/endpoints.ts';
import { sendAgain, sendTestEvent } from '../../domain/webhooks/queue.ts';
import { actorOf } from '../../plugins/auth.ts';
import {
  eventChoices,
  noticeOf,
  webhookEndpointPage,
  webhookListPage,
  type WebhookNotice,
} from '../../presenters/webhooks.ts';
import { formErrorsOf, type FormErrors } from '../forms.ts';
import { anId, form, idParams, queryText, repeated, text } from '../schemas.ts';
import { adminOnly } from './guard.ts';

/** Shapes only: the domain holds the rules and their messages. */
const endpointForm = form({ url: text, description: text, events: repeated });
const deliveryParams = z.object({ id: anId, delivery: anId });
const noticeQuery = z.object({ done: queryText });

/** Settings → Webhooks: endpoints, their secrets and delivery logs. Admins only; the domain checks again. */
export default async function adminWebhookRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preHandler', adminOnly);
  const allowPrivate = () => app.configStore.current.webhooks.allow_private;

  const showForm = (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { id: number | null; values: EndpointInput; errors?: FormErrors },
  ) =>
    reply.page('pages/admin-webhook-form', {
      id: state.id,
      values: state.values,
      choices: eventChoices(req.t, state.values.events),
      errors: state.errors ?? {},
    });

  const backTo = (reply: FastifyReply, id: number, done: WebhookNotice) =>
    reply.redirect(`/admin/webhooks/${id}?done=${done}`, 303);

  app.get('/', async (req, reply) =>
    reply.page('pages/admin-webhooks', webhookListPage(app.domain, actorOf(req), req.t)),
  );

  app.get('/new', async (req, reply) =>
    showForm(req, reply, { id: null, values: { url: 'https://', description: '', events: [] } }),
  );

  app.post('/', { schema: { body: endpointForm } }, async (req, reply) => {
    const values = { url: req.body.url, description: req.body.description, events: req.body.events };
    try {
      const endpoint = await createEndpoint(app.domain, actorOf(req), values, allowPrivate());
      return backTo(reply, endpoint.id, 'created');
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showForm(req, reply.code(refused.status), { id: null, values, errors: refused.errors });
    }
  });

  app.get('/:id', { schema: { params: idParams, querystring: noticeQuery } }, async (req, reply) => {
    const id = req.params.id;
    return reply.page('pages/admin-webhook', {
      ...webhookEndpointPage(app.domain, actorOf(req), id, req.t),
      notice: noticeOf(req.t, req.query.done),
    });
  });

  app.get('/:id/edit', { schema: { params: idParams } }, async (req, reply) => {
    const endpoint = getEndpoint(app.domain, actorOf(req), req.params.id);
    const { url, description, events } = endpoint;
    return showForm(req, reply, { id: endpoint.id, values: { url, description, events } });
  });

  app.post('/:id', { schema: { params: idParams, body: endpointForm } }, async (req, reply) => {
    const id = req.params.id;
    const values = { url: req.body.url, description: req.body.description, events: req.body.events };
    try {
      await updateEndpoint(app.domain, actorOf(req), id, values, allowPrivate());
      return backTo(reply, id, 'saved');
    } catch (err) {
      const refused = formErrorsOf(err, req);
      if (!refused) throw err;
      return showForm(req, reply.code(refused.status), { id, values, errors: refused.errors });
    }
  });

  const action = (path: string, done: WebhookNotice, run: (req: FastifyRequest, id: number) => void) =>
    app.post(path, { schema: { params: idParams, body: form({}) } }, async (req, reply) => {
      const id = req.params.id;
      run(req, id);
      return backTo(reply, id, done);
    });
  action('/:id/rotate', 'rotated', (req, id) => rotateSecret(app.domain, actorOf(req), id));
  action('/:id/end-rotation', 'rotation_ended', (req, id) => endRotation(app.domain, actorOf(req), id));
  action('/:id/enable', 'enabled', (req, id) => setEndpointEnabled(app.domain, actorOf(req), id, true));
  action('/:id/disable', 'disabled', (req, id) => setEndpointEnabled(app.domain, actorOf(req), id, false));
  action('/:id/test', 'test_sent', (req, id) => {
    sendTestEvent(app.domain, actorOf(req), id);
    app.webhooks.run();
  });

  app.post(
    '/:id/deliveries/:delivery/send-again',
    { schema: { params: deliveryParams, body: form({}) } },
    async (req, reply) => {
      const id = req.params.id;
      sendAgain(app.domain, actorOf(req), id, req.params.delivery);
      app.webhooks.run();
      return backTo(reply, id, 'sent_again');
    },
  );
}
