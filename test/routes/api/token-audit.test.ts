import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApiToken, revokeApiToken } from '../../../src/domain/api-tokens/tokens.ts';
import { buildUser } from '../../factories.ts';
import { testApp } from '../../helper.ts';

interface Row {
  action: string;
  actorId: number | null;
  origin: string | null;
  subjectId: number | null;
  subject: string | null;
  changes: string | null;
}

const apiTokenRecords = (w: Awaited<ReturnType<typeof testApp>>): Row[] =>
  w.sqlite
    .prepare(
      `SELECT action, actor_id AS actorId, origin, subject_id AS subjectId, subject, changes
       FROM audit_log WHERE action LIKE 'api_token.%' ORDER BY id`,
    )
    .all() as Row[];

test('creating and revoking a token is recorded once each (never the token), by its user or the console', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w, { role: 'agent', email: 'ana@example.test' });
  const actor = { ...user.actor, address: '203.0.113.9' };
  const { token, info } = createApiToken(w.app.domain, actor, {
    userId: user.id,
    name: 'CRM sync',
    scopes: ['contacts:read', 'conversations:read'],
  });
  revokeApiToken(w.app.domain, actor, info.id);
  revokeApiToken(w.app.domain, actor, info.id); // twice changes nothing, and records nothing
  const cli = createApiToken(w.app.domain, null, { userId: user.id, name: 'Script', scopes: ['contacts:read'] });
  revokeApiToken(w.app.domain, null, cli.info.id);

  const rows = apiTokenRecords(w);
  assert.deepEqual(
    rows.map((r) => ({ ...r, changes: r.changes === null ? null : (JSON.parse(r.changes) as unknown) })),
    [
      {
        action: 'api_token.created',
        actorId: user.id,
        origin: '203.0.113.9',
        subjectId: info.id,
        subject: 'CRM sync',
        changes: { user: 'ana@example.test', prefix: info.prefix, scopes: ['conversations:read', 'contacts:read'] },
      },
      {
        action: 'api_token.revoked',
        actorId: user.id,
        origin: '203.0.113.9',
        subjectId: info.id,
        subject: 'CRM sync',
        changes: { user: 'ana@example.test', prefix: info.prefix },
      },
      {
        action: 'api_token.created',
        actorId: null,
        origin: 'console',
        subjectId: cli.info.id,
        subject: 'Script',
        changes: { user: 'ana@example.test', prefix: cli.info.prefix, scopes: ['contacts:read'] },
      },
      {
        action: 'api_token.revoked',
        actorId: null,
        origin: 'console',
        subjectId: cli.info.id,
        subject: 'Script',
        changes: { user: 'ana@example.test', prefix: cli.info.prefix },
      },
    ],
  );
  const secret = token.split('_').slice(2).join('_');
  assert.ok(!JSON.stringify(rows).includes(secret), 'the token itself is never recorded');
});

test('a refused token creation records nothing', async (t) => {
  const w = await testApp(t);
  const user = await buildUser(w, { role: 'agent' });
  assert.throws(() => createApiToken(w.app.domain, user.actor, { userId: user.id, name: 'x', scopes: ['admin'] }));
  assert.deepEqual(apiTokenRecords(w), []);
});
