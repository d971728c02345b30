import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webhookDeliveries } from '../../src/db/schema/index.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { checkWebhookTarget, isPrivateAddress } from '../../src/domain/webhooks/address-guard.ts';
import { createEndpoint } from '../../src/domain/webhooks/endpoints.ts';
import { buildConversation, buildUser } from '../factories.ts';
import { testApp, until } from '../helper.ts';
import { startReceiver } from './receiver.ts';

async function refusal(url: string): Promise<string> {
  try {
    await checkWebhookTarget(url, false);
    return 'allowed';
  } catch (err) {
    assert.ok(err instanceof DomainError);
    assert.equal(err.field, 'url');
    return err.key;
  }
}

test('loopback, private, link-local, metadata, CGNAT and unspecified addresses are refused, mapped forms too', async () => {
  for (const url of [
    'http://127.0.0.1/hook',
    'http://127.8.9.10/',
    'http://[::1]/hook',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://localhost:3000/hook',
    // The WHATWG URL parser reads these as 127.0.0.1 before anything is resolved.
    'http://2130706433/',
    'http://0x7f.1/',
  ]) {
    assert.equal(await refusal(url), 'webhooks.url_private', url);
  }
});

test('public addresses pass; only http and https, without credentials', async () => {
  assert.equal(await refusal('https://93.184.215.14/hook'), 'allowed');
  assert.equal(await refusal('http://[2606:4700:4700::1111]/'), 'allowed');
  assert.equal(isPrivateAddress('8.8.8.8'), false);
  assert.equal(isPrivateAddress('100.128.0.1'), false, 'just outside CGNAT');
  for (const url of ['ftp://93.184.215.14/', 'file:///etc/passwd', 'https://user:pw@93.184.215.14/', 'not a url']) {
    assert.equal(await refusal(url), 'webhooks.url_invalid', url);
  }
});

test('allow_private lets an endpoint be saved on loopback; without it saving is refused', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const input = { url: 'http://127.0.0.1:9/hook', description: '', events: ['message.created'] };
  await assert.rejects(createEndpoint(h.app.domain, admin.actor, input, false), { key: 'webhooks.url_private' });
  await createEndpoint(h.app.domain, admin.actor, input, true);
});

test('the address is checked again at send time: a refused one is not contacted, and is retried', async (t) => {
  const h = await testApp(t, { webhooks: { allow_private: true } });
  const receiver = await startReceiver(t);
  const admin = await buildUser(h, { role: 'admin' });
  await createEndpoint(
    h.app.domain,
    admin.actor,
    { url: receiver.url, description: '', events: ['message.created'] },
    true,
  );
  h.configStore.current.webhooks.allow_private = false;
  buildConversation(h);
  const row = await until(() => {
    const d = h.app.domain.db.select().from(webhookDeliveries).get();
    return d?.attempts === 1 && d.status === 'pending' ? d : null;
  }, 'the refused attempt');
  assert.equal(row.responseCode, null);
  assert.match(row.responseExcerpt!, /webhooks\.url_private/);
  assert.equal(receiver.received.length, 0);
});
