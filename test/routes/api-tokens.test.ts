import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';
import { api } from './api/client.ts';

const tokenOn = (html: string): string | undefined => /id="created-token" readonly value="([^"]+)"/.exec(html)?.[1];

test('Settings → API tokens: a token made with a name and scopes is shown once, listed by prefix, and revoked', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w);
  const browser = await signedIn(w.app, user.email);

  const settings = await browser.get('/settings');
  assert.match(settings.body, /href="\/settings\/api-tokens"/);
  const page = await browser.get('/settings/api-tokens');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /You have no API tokens/);
  assert.doesNotMatch(page.body, /value="admin"/, 'an agent is not offered the admin scope');

  const made = await browser.post('/settings/api-tokens', {
    name: 'Zapier',
    scopes: ['conversations:read', 'messages:send'],
  });
  assert.equal(made.statusCode, 200);
  const token = tokenOn(made.body);
  assert.ok(token);
  const prefix = token.split('_')[1]!;
  assert.match(made.body, new RegExp(`<code>sb_${prefix}_…</code>`));
  assert.match(made.body, /conversations:read, messages:send/);

  const again = await browser.get('/settings/api-tokens');
  assert.equal(tokenOn(again.body), undefined, 'shown only once');
  assert.ok(!again.body.includes(token));

  assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).statusCode, 200);
  const listed = await browser.get('/settings/api-tokens');
  assert.doesNotMatch(listed.body, />Never</, 'its last use is listed');

  const id = /action="\/settings\/api-tokens\/(\d+)\/revoke"/.exec(listed.body)?.[1];
  assert.ok(id);
  assert.match(listed.body, /aria-label="Revoke the token Zapier"/);
  const revoked = await browser.post(`/settings/api-tokens/${id}/revoke`);
  assert.equal(revoked.statusCode, 200);
  assert.match(revoked.body, /The token Zapier was revoked/);
  assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).statusCode, 401);
});

test('Settings → API tokens: refusals in place, CSRF as every form, admin scope only for admins, others’ tokens untouchable', async (t) => {
  const w = await testApp(t);
  const agent = await buildUser(w);
  const admin = await buildUser(w, { role: 'admin' });
  const browser = await signedIn(w.app, agent.email);
  await browser.get('/settings/api-tokens');

  const noScopes = await browser.post('/settings/api-tokens', { name: 'Script' });
  assert.equal(noScopes.statusCode, 422);
  assert.match(noScopes.body, /Choose at least one scope/);
  assert.match(noScopes.body, /value="Script"/, 'the name is kept');
  const adminScope = await browser.post('/settings/api-tokens', { name: 'Script', scopes: 'admin' });
  assert.equal(adminScope.statusCode, 422);
  const noName = await browser.post('/settings/api-tokens', { name: ' ', scopes: 'contacts:read' });
  assert.equal(noName.statusCode, 422);
  assert.match(noName.body, /Give the token a name/);

  const forged = await browser.post('/settings/api-tokens', { name: 'X', scopes: 'contacts:read' }, { csrf: false });
  assert.equal(forged.statusCode, 403);

  const adminBrowser = await signedIn(w.app, admin.email);
  const adminPage = await adminBrowser.get('/settings/api-tokens');
  assert.match(adminPage.body, /value="admin"/);
  const made = await adminBrowser.post('/settings/api-tokens', { name: 'Ops', scopes: ['admin'] });
  assert.ok(tokenOn(made.body));
  const id = /action="\/settings\/api-tokens\/(\d+)\/revoke"/.exec(made.body)?.[1];
  const foreign = await browser.post(`/settings/api-tokens/${id}/revoke`);
  assert.equal(foreign.statusCode, 404);
});
