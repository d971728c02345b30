import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConversation, buildInbox, buildUser } from '../factories.ts';
import { signedIn, testApp } from '../helper.ts';

const XSS = `<script>alert(1)</script><img src=x onerror=alert(1)>"'><svg onload=alert(1)>`;
const LINK = '[click](javascript:alert(1)) [x](https://ok.example/"onmouseover="alert(1))';

/** Markup the payload would bring if it were not escaped. */
function assertInert(html: string, where: string): void {
  assert.doesNotMatch(html, /<script>alert|<img src=x|<svg onload/i, `${where}: markup from user input`);
  assert.doesNotMatch(html, /href="javascript:/i, `${where}: a javascript: link`);
  assert.doesNotMatch(html, /"onmouseover="/i, `${where}: an injected attribute`);
}

test('what users type in any field is shown as text on every page, never as markup or script', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const manager = await buildUser(h, { role: 'manager' });
  const support = buildInbox(h, { name: 'Support', members: [manager] }).id;
  const { id, phone } = buildConversation(h, { inbox: 'Support', texts: [`${XSS} ${LINK}`] });
  const contactId = h.sqlite.prepare('SELECT contact_id FROM conversations WHERE id = ?').pluck().get(id) as number;

  const a = await signedIn(h.app, admin.email);
  await a.post('/settings', { name: XSS.slice(0, 90), locale: 'en' });
  await a.post('/admin/inboxes', { name: XSS.slice(0, 70) });
  const m = await signedIn(h.app, manager.email);
  await m.post(`/contacts/${contactId}?conversation=${id}`, {
    name: XSS.slice(0, 99),
    company: XSS.slice(0, 99),
    notes: `${XSS}\n${LINK}`,
    phones: phone,
    email: '',
  });
  await m.post(`/conversations/${id}/tags`, { tag: XSS.slice(0, 40) });
  await m.post('/canned', { scope: String(support), title: XSS.slice(0, 80), keyword: 'x', body: `${XSS} ${LINK}` });
  await m.post(`/conversations/${id}/messages`, { body: `${XSS} ${LINK} **bold**` });
  await m.post(`/contacts/${contactId}/favourite?conversation=${id}`, { favourite: '1' });
  await a.post('/contacts', { name: XSS.slice(0, 99), notes: XSS, phones: '' });
  assert.ok(
    (h.sqlite.prepare('SELECT count(*) FROM conversation_tags').pluck().get() as number) > 0,
    'the payloads were stored',
  );

  for (const [client, path] of [
    [m, `/conversations/${id}`],
    [m, '/conversations'],
    [m, `/conversations?inbox=${support}`],
    [m, '/favourites'],
    [m, '/canned'],
    [m, `/conversations/${id}/canned`],
    [m, `/contacts/search?conversation=${id}&q=script`],
    [m, `/conversations/new?contact=${contactId}`],
    [a, '/admin/inboxes'],
    [a, '/admin/users'],
    [a, '/conversations?view=snoozed'],
    [a, '/favourites'],
  ] as const) {
    const res = await client.get(path);
    assert.equal(res.statusCode, 200, path);
    assertInert(res.body, path);
  }
  const page = (await m.get(`/conversations/${id}`)).body;
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'shown as the text it is');
  assert.match(page, /<strong>bold<\/strong>/, 'while the agent’s own formatting works');
});
