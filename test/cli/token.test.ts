import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { tempDir } from '../tmp.ts';
import { run } from './run.ts';

test('token create prints only the token; list shows it by prefix; revoke ends it; bad input is refused', async () => {
  const cwd = tempDir('switchboard-cli-token-');
  const add = await run(['user', 'add', '--email', 'ana@example.test', '--name', 'Ana', '--role', 'agent'], {
    cwd,
    input: 'a long enough password\n',
  });
  assert.equal(add.code, 0, add.stderr);

  const created = await run(
    ['token', 'create', '--user', 'Ana@example.test', '--scopes', 'conversations:read,messages:send', '--name', 'CRM'],
    { cwd },
  );
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^sb_[0-9a-f]{8}_[A-Za-z0-9_-]{43}\n$/);
  const token = created.stdout.trim();
  const db = new Database(join(cwd, 'data', 'switchboard.db'), { readonly: true });
  const row = db.prepare('SELECT id, hash, scopes FROM api_tokens').get() as {
    id: number;
    hash: string;
    scopes: string;
  };
  db.close();
  assert.notEqual(row.hash, token);
  assert.deepEqual(JSON.parse(row.scopes), ['conversations:read', 'messages:send']);

  const list = await run(['token', 'list', '--user', 'ana@example.test'], { cwd });
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(
      `^${row.id}\\tsb_${token.split('_')[1]}_…\\tCRM\\tconversations:read,messages:send\\tlast used -\\tactive\\n$`,
    ),
  );

  const revoke = await run(['token', 'revoke', String(row.id)], { cwd });
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.match((await run(['token', 'list', '--user', 'ana@example.test'], { cwd })).stdout, /\trevoked /);

  const adminScope = await run(['token', 'create', '--user', 'ana@example.test', '--scopes', 'admin'], { cwd });
  assert.equal(adminScope.code, 1);
  assert.match(adminScope.stderr, /Choose at least one scope among/);
  const nobody = await run(['token', 'create', '--user', 'bo@example.test', '--scopes', 'contacts:read'], { cwd });
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /No user has the email bo@example\.test/);
  const usage = await run(['token', 'create', '--user', 'ana@example.test'], { cwd });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: switchboard/);
});
