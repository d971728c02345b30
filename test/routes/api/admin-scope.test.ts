import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveApiToken } from '../../../src/domain/api-tokens/tokens.ts';
import { DomainError } from '../../../src/domain/errors.ts';
import { listUsers } from '../../../src/domain/users/service.ts';
import { buildConversation, buildInbox, buildToken, buildUser } from '../../factories.ts';
import { testApp } from '../../helper.ts';
import { api } from './client.ts';

test('an admin’s token acts as an admin only with the admin scope; without it, as a manager', async (t) => {
  const w = await testApp(t);
  const admin = await buildUser(w, { role: 'admin' });
  const own = buildInbox(w, { members: [admin] });
  const elsewhere = buildInbox(w);
  const mine = buildConversation(w, { inbox: own });
  const theirs = buildConversation(w, { inbox: elsewhere });
  const full = buildToken(w, { user: admin, scopes: ['admin', 'conversations:read'] });
  const plain = buildToken(w, { user: admin, scopes: ['conversations:read'] });

  const inboxesOf = async (token: string) =>
    (await api(w.app, token, 'GET', '/api/v1/inboxes')).json<{ data: { id: number }[] }>().data.map((i) => i.id);

  assert.equal((await api(w.app, full, 'GET', '/api/v1/me')).json<{ role: string }>().role, 'admin');
  assert.deepEqual((await inboxesOf(full)).sort(), [own.id, elsewhere.id].sort(), 'an admin sees every inbox');
  assert.equal((await api(w.app, full, 'GET', `/api/v1/conversations/${theirs.id}`)).statusCode, 200);

  assert.equal((await api(w.app, plain, 'GET', '/api/v1/me')).json<{ role: string }>().role, 'manager');
  assert.deepEqual(await inboxesOf(plain), [own.id], 'a manager only the ones they are a member of');
  assert.equal((await api(w.app, plain, 'GET', `/api/v1/conversations/${mine.id}`)).statusCode, 200);
  assert.equal((await api(w.app, plain, 'GET', `/api/v1/conversations/${theirs.id}`)).statusCode, 404);

  // What the API layer acts as (bearer.ts takes the role from here): admin-only domain functions refuse it.
  const actorOf = (token: string) => {
    const resolved = resolveApiToken(w.app.domain, token)!;
    return { id: resolved.user.id, role: resolved.role };
  };
  assert.equal(listUsers(w.app.domain, actorOf(full)).length, 1);
  assert.throws(
    () => listUsers(w.app.domain, actorOf(plain)),
    (err) => err instanceof DomainError && err.status === 403,
  );
});

test('a manager’s or agent’s token acts with its user’s own role', async (t) => {
  const w = await testApp(t);
  for (const role of ['manager', 'agent'] as const) {
    const user = await buildUser(w, { role });
    const token = buildToken(w, { user });
    assert.equal((await api(w.app, token, 'GET', '/api/v1/me')).json<{ role: string }>().role, role);
  }
});
