import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { auditLog } from '../../src/db/schema/index.ts';
import { buildUser } from '../factories.ts';
import { signedIn, testApp, until } from '../helper.ts';
import { startReceiver } from '../webhooks/receiver.ts';

const ALL_EVENTS = ['message.created', 'conversation.updated'];

test('Settings → Webhooks: add an endpoint (a private URL refused in place), send a test event, the log shows it', async (t) => {
  const h = await testApp(t);
  const receiver = await startReceiver(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h);
  const a = await signedIn(h.app, admin.email);

  const list = await a.get('/admin/webhooks');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /No endpoint yet/);
  assert.match(list.body, /href="\/admin\/webhooks"/, 'in the admin navigation');
  const form = await a.get('/admin/webhooks/new');
  assert.match(form.body, /<label for="webhook-url">URL<\/label>/);
  assert.match(form.body, /<input id="event-message.created" type="checkbox" name="events" value="message.created"/);

  // allow_private is off: the loopback receiver is refused, in place, with what was typed kept.
  const refused = await a.post('/admin/webhooks', { url: receiver.url, description: 'CRM', events: ALL_EVENTS });
  assert.equal(refused.statusCode, 422);
  assert.match(refused.body, /aria-invalid="true" aria-describedby="webhook-url-hint webhook-url-error"/);
  assert.match(refused.body, /id="webhook-url-error">127\.0\.0\.1 is a loopback, private or link-local address/);
  assert.match(refused.body, /value="CRM"/);
  assert.match(refused.body, /value="message.created" checked/);
  const noEvents = await a.post('/admin/webhooks', { url: 'https://93.184.215.14/hook', description: '' });
  assert.equal(noEvents.statusCode, 422);
  assert.match(noEvents.body, /id="webhook-events-error">Choose at least one event/);
  assert.equal(
    (await a.post('/admin/webhooks', { url: receiver.url, events: ALL_EVENTS }, { csrf: false })).statusCode,
    403,
  );

  h.configStore.current.webhooks.allow_private = true;
  const created = await a.post('/admin/webhooks', { url: receiver.url, description: 'CRM', events: ALL_EVENTS });
  assert.equal(created.statusCode, 303);
  const page = created.headers.location as string;
  assert.match(page, /^\/admin\/webhooks\/\d+\?done=created$/);
  const shown = await a.get(page);
  assert.match(shown.body, /role="status">Endpoint added/);
  const secret = /<code>(whsec_[A-Za-z0-9+/=]+)<\/code>/.exec(shown.body)![1]!;
  assert.match(shown.body, /Nothing sent yet/);

  const id = /\/admin\/webhooks\/(\d+)/.exec(page)![1];
  assert.equal((await a.post(`/admin/webhooks/${id}/test`)).statusCode, 303);
  await until(() => receiver.received.length === 1, 'the test event');
  const test = receiver.received[0]!;
  assert.equal(test.event.type, 'webhook.test');
  assert.doesNotThrow(() => new Webhook(secret).verify(test.body, test.headers as Record<string, string>));

  const log = await until(async () => {
    const res = await a.get(`/admin/webhooks/${id}`);
    return /Delivered/.test(res.body) ? res : null;
  }, 'the log shows the delivery');
  assert.match(log.body, /<code>webhook\.test<\/code>/);
  assert.match(log.body, /<td>200 <span class="subtle">\d+ ms<\/span><\/td>/);
  assert.match(log.body, /seen webhook\.test/, 'the response body excerpt');
  assert.match(log.body, /&quot;type&quot;:&quot;webhook\.test&quot;/, 'the request body, escaped');
  const again = /Send again<span class="visually-hidden">: webhook\.test \((msg_[0-9a-f]+)\)<\/span>/.exec(log.body);
  assert.ok(again, 'Send again, named per delivery');
  const deliveryId = /deliveries\/(\d+)\/send-again/.exec(log.body)![1];
  assert.equal((await a.post(`/admin/webhooks/${id}/deliveries/${deliveryId}/send-again`)).statusCode, 303);
  await until(() => receiver.received.length === 2, 'sent again');
  assert.equal(receiver.received[1]!.headers['webhook-id'], again[1]);

  // Edit, rotate, disable: each audited like other admin changes.
  const edited = await a.post(`/admin/webhooks/${id}`, {
    url: receiver.url,
    description: 'CRM sync',
    events: ['message.created'],
  });
  assert.equal(edited.statusCode, 303);
  assert.equal((await a.post(`/admin/webhooks/${id}/rotate`)).statusCode, 303);
  const rotated = await a.get(`/admin/webhooks/${id}`);
  assert.match(rotated.body, /Previous secret, still signing/);
  assert.match(rotated.body, new RegExp(`<code>${secret.replace(/[+/]/g, '\\$&')}</code>`));
  assert.equal((await a.post(`/admin/webhooks/${id}/disable`)).statusCode, 303);
  assert.match((await a.get('/admin/webhooks')).body, /<td>Disabled<\/td>/);
  assert.deepEqual(
    h.app.domain.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .orderBy(auditLog.id)
      .all()
      .map((r) => r.action)
      .filter((a) => a.startsWith('webhook.')),
    [
      'webhook.created',
      'webhook.test_sent',
      'webhook.sent_again',
      'webhook.updated',
      'webhook.secret_rotated',
      'webhook.disabled',
    ],
  );

  const g = await signedIn(h.app, agent.email);
  assert.equal((await g.get('/admin/webhooks')).statusCode, 404);
  assert.equal((await g.get(`/admin/webhooks/${id}`)).statusCode, 404);
  assert.equal((await g.post(`/admin/webhooks/${id}/rotate`)).statusCode, 404);
  assert.equal((await a.get('/admin/webhooks/99999')).statusCode, 404);
  assert.equal((await a.get('/admin/webhooks/abc')).statusCode, 404);
});

test('the pages are in German for a German admin', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', locale: 'de' });
  const a = await signedIn(h.app, admin.email);
  const res = await a.get('/admin/webhooks/new');
  assert.match(res.body, /Webhook-Endpunkt hinzufügen/);
  assert.match(res.body, /Endpunkt speichern/);
});
