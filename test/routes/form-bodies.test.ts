import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createEndpoint } from '../../src/domain/webhooks/endpoints.ts';
import { sendTestEvent } from '../../src/domain/webhooks/queue.ts';
import {
  buildCampaign,
  buildChat,
  buildConversation,
  buildInbox,
  buildNote,
  buildNumber,
  buildToken,
  buildUser,
} from '../factories.ts';
import { type Client, signedIn, type TestApp, testAppWithRoutes } from '../helper.ts';
import { HX } from './steps.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Route {
  method: string;
  url: string;
  /** What the route says it takes (route config `body`); absent is a form. */
  body: string;
}

/** A test app and its routes, each with what it says it takes. */
async function appWithRoutes(
  t: TestContext,
  config: Record<string, unknown>,
): Promise<{ h: TestApp; routes: Route[] }> {
  const { h, routes } = await testAppWithRoutes(t, config);
  return {
    h,
    routes: routes.map(({ method, options }) => ({
      method,
      url: options.url,
      get body() {
        return options.config?.body ?? 'form';
      },
    })),
  };
}

/** Something of every kind a route may act on, and how to fill each route's path with a real one of it. */
async function world(t: TestContext) {
  const { h, routes } = await appWithRoutes(t, {
    server: { public_url: 'https://inbox.example.com', body_limit_kb: 4096 },
  });
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const ana = await buildUser(h, { name: 'Ana' });
  const support = buildInbox(h, { name: 'Support', members: [admin, ana] }).id;
  const received = buildConversation(h, { inbox: 'Support', texts: ['hello'] });
  const conversation = received.id;
  const one = (sql: string) => h.sqlite.prepare(sql).pluck().get() as number | string;
  const client = await signedIn(h.app, admin.email);
  const made = async (res: Promise<{ statusCode: number; body: string }>) => {
    const { statusCode, body } = await res;
    assert.ok(statusCode < 400, `setting up the world: ${statusCode} ${body.slice(0, 200)}`);
  };
  await made(client.post(`/conversations/${conversation}/tags`, { tag: 'vip' }));
  const note = buildNote(h, { conversation, author: admin, body: 'Called them back' });
  await made(
    client.post('/canned', {
      title: 'Hello',
      keyword: 'hello',
      body: 'Hello {{contact.first_name}}',
      scope: String(support),
    }),
  );
  const chat = buildChat(h, { by: admin, name: 'Ops', members: [ana] });
  buildToken(h, { user: admin });
  const endpoint = await createEndpoint(
    h.app.domain,
    admin.actor,
    { url: 'http://127.0.0.1:9/hook', description: '', events: ['message.created'] },
    true,
  );
  sendTestEvent(h.app.domain, admin.actor, endpoint.id);
  await made(client.post(`/chats/${chat}/messages`, { body: 'Morning, team' }));
  await made(
    client.post('/surveys', {
      title: 'After',
      invitation: 'How did we do? {link}',
      q1_prompt: 'Rate us',
      q1_kind: 'rating',
      q2_prompt: 'Anything else?',
      q2_kind: 'text',
    }),
  );
  await made(client.post(`/conversations/${conversation}/scheduled`, { body: 'Later, then', when: 'tomorrow' }));
  const survey = one('SELECT id FROM surveys');
  const campaign = buildCampaign(h, { number: buildNumber(h, { inbox: 'Support' }), state: 'draft' }).id;
  await made(client.post(`/conversations/${conversation}/survey`, { survey: String(survey) }));
  const ids: Record<string, number | string> = {
    conversations: conversation,
    contacts: one('SELECT contact_id FROM conversations'),
    messages: received.messageIds[0]!,
    notes: note,
    canned: one('SELECT id FROM canned_replies'),
    chats: chat,
    'chat-messages': one('SELECT id FROM chat_messages'),
    inboxes: support,
    surveys: survey,
    campaigns: campaign,
    'admin/users': ana.id,
    'admin/inboxes': support,
    media: received.messageIds[0]!,
    'chat-media': one('SELECT id FROM chat_messages'),
    scheduled: one('SELECT id FROM scheduled_messages'),
    // The sandbox phone's own media, by the stand-in's id: none here (its page answers 404 then).
    'sandbox/media': 'no-such-media',
    'settings/api-tokens': one('SELECT id FROM api_tokens'),
    'admin/webhooks': endpoint.id,
    'api/v1/conversations': conversation,
    'api/v1/contacts': one('SELECT contact_id FROM conversations'),
  };
  const params: Record<string, number | string> = {
    cannedId: ids.canned!,
    tagId: one('SELECT id FROM tags'),
    token: one('SELECT token FROM survey_sends'),
    name: 'no-such-connection',
    kind: 'mm7',
    seq: 1,
    delivery: one('SELECT id FROM webhook_deliveries'),
  };
  /** A route's path with real ids: `:id` by what the path is about, other parameters by name; an unknown one fails the test. */
  const fill = (url: string) =>
    url.replace(/:(\w+)/g, (_, param: string) => {
      const about = Object.keys(ids).find((prefix) => url.startsWith(`/${prefix}/`));
      const value = param === 'id' && about ? ids[about] : params[param];
      if (value === undefined) throw new Error(`no value for :${param} in ${url}: add it to the test world`);
      return String(value);
    });
  return { h, routes, admin, ana, client, conversation, support, fill };
}

/** Every field name the app's own pages send: `name` attributes and `hx-vals` keys of every page an admin opens. */
async function fieldNames(client: Client, routes: Route[], fill: (url: string) => string): Promise<string[]> {
  const names = new Set<string>();
  for (const route of routes.filter((r) => r.method === 'GET' && !/[*]|^\/live$/.test(r.url))) {
    const { body } = await client.get(fill(route.url));
    for (const [, name] of body.matchAll(/\sname="([^"<]+)"/g)) names.add(name!);
    for (const [, vals] of body.matchAll(/hx-vals='([^']+)'/g))
      for (const name of Object.keys(JSON.parse(vals!) as Record<string, unknown>)) names.add(name);
  }
  names.delete('_csrf');
  return [...names];
}

/** Nested deep enough that reading it as text overflows the stack. */
const DEEP = 6000;
const deep = `${'['.repeat(DEEP)}"1"${']'.repeat(DEEP)}`;
const nestedJson = (csrf: string, names: string[]) =>
  `{"_csrf":${JSON.stringify(csrf)},"a":{"b":{"c":${deep}}}${names.map((n) => `,${JSON.stringify(n)}:${deep}`).join('')}}`;

/** Bracketed keys, and every field twice. */
function oddForm(csrf: string, names: string[]): string {
  const form = new URLSearchParams({ _csrf: csrf, 'a[b][c]': '1' });
  form.append('x', '1');
  form.append('x', '2');
  for (const name of names) {
    form.append(name, '1');
    form.append(name, '2');
    form.append(`${name}[a][b]`, '1');
  }
  return form.toString();
}

const post = (
  h: TestApp,
  client: Client,
  url: string,
  type: string,
  payload: string | Buffer,
  headers: Record<string, string> = {},
) =>
  h.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': type, cookie: client.cookieHeader, 'x-csrf-token': client.csrf, ...headers },
  });

/** A route may sign the admin out (/logout): each starts signed in, so that rights do not hide what it does with a body. */
async function stillSignedIn(h: TestApp, client: Client, email: string): Promise<Client> {
  return (await client.get('/settings')).statusCode === 200 ? client : signedIn(h.app, email);
}

const tables = ['users', 'inbox_members', 'survey_answers', 'survey_sends', 'inboxes', 'conversation_events'];
const snapshot = (h: TestApp) =>
  tables.map((table) => JSON.stringify(h.sqlite.prepare(`SELECT * FROM ${table}`).all()));

test('every route that takes a body takes forms only: nested JSON is 415 everywhere, before anything is read or written', async (t) => {
  const { h, routes, admin, fill } = await world(t);
  let client = await signedIn(h.app, admin.email);
  const names = await fieldNames(client, routes, fill);
  const withBody = routes.filter((r) => BODY_METHODS.has(r.method));
  assert.ok(withBody.length > 50, `found ${withBody.length} routes`);
  const api = withBody.filter((r) => r.url.startsWith('/api/v1/'));
  assert.ok(api.length > 5, `found ${api.length} API routes`);
  assert.deepEqual(
    api.filter((r) => r.body !== 'json').map((r) => `${r.method} ${r.url} ${r.body}`),
    ['POST /api/v1/conversations/:id/messages json-or-upload'],
    'the API reads JSON (test/routes/api/); only a send may carry files',
  );
  assert.deepEqual(
    withBody.filter((r) => r.body === 'own').map((r) => `${r.method} ${r.url}`),
    ['POST /mm7/:name', 'POST /webhooks/:kind/:name'],
    "only MM7 and the channels' webhooks read a type of their own",
  );
  const before = snapshot(h);
  const wrong: string[] = [];
  for (const route of withBody.filter((r) => r.body !== 'own' && !api.includes(r))) {
    client = await stillSignedIn(h, client, admin.email);
    const res = await h.app.inject({
      method: route.method as 'POST',
      url: fill(route.url),
      payload: nestedJson(client.csrf, names),
      headers: { 'content-type': 'application/json', cookie: client.cookieHeader, 'x-csrf-token': client.csrf },
    });
    if (res.statusCode !== 415 || !res.body.includes('This kind of request is not accepted here.'))
      wrong.push(`${route.method} ${route.url}: ${res.statusCode}`);
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual(snapshot(h), before, 'nothing was written');
  const text = await post(h, client, '/settings/extension', 'text/plain', 'extension=1');
  assert.equal(text.statusCode, 415, 'text/plain is no form either');
});

test('bracketed and repeated fields on every form route are answered, never a 500', async (t) => {
  const { h, routes, admin, fill } = await world(t);
  let client = await signedIn(h.app, admin.email);
  const names = await fieldNames(client, routes, fill);
  for (const name of ['members', 'queue', 'extension', 'q1_kind', 'mention.browser', 'field'])
    assert.ok(names.includes(name), `the pages send ${name}`);
  const wrong: string[] = [];
  for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
    client = await stillSignedIn(h, client, admin.email);
    for (const headers of [{}, HX.headers]) {
      const res = await post(
        h,
        client,
        fill(route.url),
        'application/x-www-form-urlencoded',
        oddForm(client.csrf, names),
        headers,
      );
      if (res.statusCode >= 500) wrong.push(`${route.method} ${route.url}: ${res.statusCode}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the forms that crashed on nested JSON: 415 for JSON, a repeated field is a clear 400, lists of ticked boxes still work', async (t) => {
  const { h, client, support, ana, fill } = await world(t);
  const token = fill('/s/:token');
  const questions = h.sqlite.prepare('SELECT id FROM survey_questions ORDER BY position').pluck().all() as number[];
  const before = snapshot(h);
  for (const [url, form] of [
    ['/settings/queues', { inbox: deep, queue: deep }],
    ['/settings/extension', { extension: deep }],
    [`/admin/inboxes/${support}/members`, { members: deep }],
    [token, Object.fromEntries(questions.map((id) => [`q${id}`, deep]))],
  ] as const) {
    const payload = `{"_csrf":${JSON.stringify(client.csrf)}${Object.entries(form)
      .map(([k, v]) => `,${JSON.stringify(k)}:${v}`)
      .join('')}}`;
    const page = await post(h, client, url, 'application/json', payload);
    assert.equal(page.statusCode, 415, `${url}: ${page.statusCode}`);
    assert.match(page.body, /This kind of request is not accepted here\./);
    const fragment = await post(h, client, url, 'application/json', payload, HX.headers);
    assert.equal(fragment.statusCode, 415);
    assert.match(
      fragment.body,
      /^<p class="alert" role="alert">This kind of request is not accepted here\.<\/p>/,
      'htmx gets the message in place',
    );
    const multipart = await client.postMultipart(url, { [Object.keys(form)[0]!]: '1' }, []);
    assert.equal(multipart.statusCode, 415, `${url} takes no files: ${multipart.statusCode}`);
  }
  assert.deepEqual(snapshot(h), before, 'nothing was written');

  const repeated = await client.post('/settings/extension', { extension: ['12', '34'] }, HX);
  assert.equal(repeated.statusCode, 400);
  assert.match(repeated.body, /A field of this form was sent twice or in a shape it does not take\./);
  const answer = await client.post(token, { [`q${questions[0]}`]: ['4', '5'] });
  assert.equal(answer.statusCode, 400);
  assert.match(answer.body, /A field of this form was sent twice/);
  assert.deepEqual(snapshot(h), before, 'nothing was written');

  // One ticked box is one value, several are a list: both are read as lists of strings.
  const queues = await client.post(
    '/settings/queues',
    { inbox: String(support), queue: [String(support), String(support)] },
    HX,
  );
  assert.equal(queues.statusCode, 200);
  assert.match(queues.body, /Your queues were saved\./);
  const members = (ids: string | string[]) => client.post(`/admin/inboxes/${support}/members`, { members: ids });
  assert.equal((await members(String(ana.id))).statusCode, 200);
  assert.deepEqual(h.sqlite.prepare('SELECT user_id FROM inbox_members WHERE inbox_id = ?').pluck().all(support), [
    ana.id,
  ]);
  const answered = await client.post(token, { [`q${questions[0]}`]: '4', [`q${questions[1]}`]: 'Quick and kind' });
  assert.equal(answered.statusCode, 200);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM survey_answers').pluck().get(), 2);
});

test('a multipart form is read like a urlencoded one: a field sent twice is a 400, and nothing is posted', async (t) => {
  const { h, client, fill } = await world(t);
  const before = h.sqlite.prepare('SELECT count(*) FROM chat_messages').pluck().get();
  const form = new FormData();
  form.append('_csrf', client.csrf);
  form.append('body', 'first');
  form.append('body', 'second');
  const encoded = new Response(form);
  const res = await post(
    h,
    client,
    fill('/chats/:id/messages'),
    encoded.headers.get('content-type')!,
    Buffer.from(await encoded.arrayBuffer()),
    HX.headers,
  );
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /A field of this form was sent twice/);
  assert.equal(h.sqlite.prepare('SELECT count(*) FROM chat_messages').pluck().get(), before);
});

test('body errors are short 4xx messages: too large, a broken content type, a length that does not match', async (t) => {
  const { h, client } = await world(t);
  const big = await post(
    h,
    client,
    '/settings/extension',
    'application/x-www-form-urlencoded',
    `_csrf=${client.csrf}&extension=${'1'.repeat(5 * 1024 * 1024)}`,
    HX.headers,
  );
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /^<p class="alert" role="alert">What you sent is too large\.<\/p>/);
  const broken = await post(h, client, '/settings/extension', 'application/', `_csrf=${client.csrf}&extension=1`);
  assert.equal(broken.statusCode, 415);
  const noType = await h.app.inject({
    method: 'POST',
    url: '/settings/extension',
    payload: 'extension=1',
    headers: { cookie: client.cookieHeader, 'x-csrf-token': client.csrf },
  });
  assert.equal(noType.statusCode, 415, 'a body without a type');
  assert.match(noType.body, /This kind of request is not accepted here\./);
  const emptyJson = await post(h, client, '/settings/extension', 'application/json', '');
  assert.equal(emptyJson.statusCode, 415);
  const short = await post(
    h,
    client,
    '/settings/extension',
    'application/x-www-form-urlencoded',
    `_csrf=${client.csrf}&extension=1`,
    { 'content-length': '500' },
  );
  assert.equal(short.statusCode, 400, 'fewer bytes than announced');
  assert.match(short.body, /The request could not be understood\./);
});
