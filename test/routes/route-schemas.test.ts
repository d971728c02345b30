import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp, testAppWithRoutes } from '../helper.ts';
import { HX } from './steps.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Machine endpoints that read their requests themselves, each with why: they take their own content types and
 * authenticate every request before the body is read (src/plugins/form-bodies.ts `body: 'own'`).
 */
const OWN_PARSERS: Record<string, string> = {
  'POST /mm7/:name': "MM7: the carrier's SOAP, checked by the channel",
  'GET /webhooks/:kind/:name': "a channel's webhook (WhatsApp's verification), answered by its receiver",
  'HEAD /webhooks/:kind/:name': 'the GET above, as Fastify answers HEAD for it',
  'POST /webhooks/:kind/:name': "a channel's webhook, kept as bytes for its signature",
};

interface Route {
  route: string;
  body: boolean;
  params: boolean;
}

test('every route declares its schemas: a body for every POST/PUT/PATCH/DELETE, params for every `:param`', async (t) => {
  const routes: Route[] = (await testAppWithRoutes(t)).routes.map(({ method, options }) => ({
    route: `${method} ${options.url}`,
    body: options.schema?.body !== undefined,
    params: options.schema?.params !== undefined,
  }));
  assert.ok(routes.length > 80, `found ${routes.length} routes`);
  const own = routes.filter((r) => Object.hasOwn(OWN_PARSERS, r.route));
  assert.deepEqual(own.map((r) => r.route).sort(), Object.keys(OWN_PARSERS).sort(), 'the exceptions still exist');

  const checked = routes.filter((r) => !Object.hasOwn(OWN_PARSERS, r.route));
  const noBody = checked.filter((r) => BODY_METHODS.has(r.route.split(' ')[0]!) && !r.body).map((r) => r.route);
  assert.deepEqual(noBody, [], 'routes that take a body without a schema for it');
  const noParams = checked.filter((r) => /:\w/.test(r.route) && !r.params).map((r) => r.route);
  assert.deepEqual(noParams, [], 'routes with path parameters without a schema for them');
});

test('a refused shape: a bad path is a 404, a bad list filter a 400 naming it, a field sent twice a 400 in place', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  buildInbox(h, { name: 'Support', members: [admin] });
  const { id } = buildConversation(h, { inbox: 'Support', texts: ['hello'] });
  const client = await signedIn(h.app, admin.email);

  for (const url of ['/conversations/abc', '/conversations/0', `/conversations/${id}x`, '/media/1/abc', '/chats/-1']) {
    const res = await client.get(url);
    assert.equal(res.statusCode, 404, url);
    assert.match(res.body, /This page does not exist/, url);
  }
  const post = await client.post('/conversations/abc/notes', { note: 'hi' });
  assert.equal(post.statusCode, 404, 'a bad id in a form’s path');

  const filter = await client.get('/conversations?status=maybe');
  assert.equal(filter.statusCode, 400);
  assert.match(filter.body, /The value given for “status” is not valid\./);
  const day = await client.get(`/conversations/${id}?from=2026-02-30`);
  assert.equal(day.statusCode, 400);
  assert.match(day.body, /“from” is not valid/);
  assert.equal((await client.get('/conversations?view=%20mine%20&tag=')).statusCode, 200, 'trimmed; empty is any');

  const twice = await client.post(`/conversations/${id}/notes`, { note: ['a', 'b'] }, HX);
  assert.equal(twice.statusCode, 400);
  assert.match(twice.body, /^<p class="alert" role="alert">A field of this form was sent twice/);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM conversation_notes').pluck().get(), 0, 'nothing was written');
});
