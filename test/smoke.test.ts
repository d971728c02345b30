import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUser } from './factories.ts';
import { buildTestApp, signedIn } from './helper.ts';

test('an admin signs in and sees the shell', async (t) => {
  const h = await buildTestApp();
  t.after(() => h.close());
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const client = await signedIn(h.app, admin.email);
  const res = await client.get('/conversations');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Ada/);
  assert.match(res.body, /hx-ws:connect="\/live\?path=%2Fconversations&amp;lang=en"/);
});
