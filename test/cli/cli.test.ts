import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { until } from '../helper.ts';
import { tempDir } from '../tmp.ts';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { CLI, run } from './run.ts';

const tmp = () => tempDir('switchboard-cli-');

test('unknown commands and flags print usage and exit 2', async () => {
  const cwd = tmp();
  for (const args of [
    ['frobnicate'],
    ['serve', '--nope'],
    ['user', 'delete'],
    ['user', 'add', '--email', 'a@b.test'],
  ]) {
    const res = await run(args, { cwd });
    assert.equal(res.code, 2, args.join(' '));
    assert.match(res.stderr, /Usage: switchboard/);
  }
  const help = await run(['--help'], { cwd });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /check-config/);
});

test('check-config accepts a good file and names the key of a bad one', async () => {
  const cwd = tmp();
  writeFileSync(join(cwd, 'good.toml'), '[server]\nport = 4000\n');
  writeFileSync(join(cwd, 'bad.toml'), '[server]\nport = "x"\nhots = "a"\n');
  const good = await run(['check-config', '--config', 'good.toml'], { cwd });
  assert.equal(good.code, 0);
  assert.match(good.stdout, /good\.toml: OK/);
  const bad = await run(['check-config'], { cwd, env: { SWITCHBOARD_CONFIG: 'bad.toml' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.toml/);
  assert.match(bad.stderr, /server\.port: .*expected number/);
  assert.match(bad.stderr, /server\.hots: unknown key/);
});

test('a bad config stops serve before any data is touched', async () => {
  const cwd = tmp();
  writeFileSync(join(cwd, 'bad.toml'), '[server]\nport = -1\n');
  const res = await run(['serve', '--config', 'bad.toml'], { cwd });
  assert.notEqual(res.code, 0);
  assert.match(res.stderr, /server\.port/);
  assert.equal(existsSync(join(cwd, 'data')), false);
});

test('user add reads the password from stdin, never from an argument; reset-password ends sessions; both are recorded as the console', async () => {
  const cwd = tmp();
  const add = await run(['user', 'add', '--email', 'Ana@Example.test', '--name', 'Ana', '--role', 'manager'], {
    cwd,
    input: 'a long enough password\n',
  });
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /Created manager ana@example\.test/);
  const db = new Database(join(cwd, 'data', 'switchboard.db'));
  const row = db.prepare('SELECT id, role, password_hash FROM users').get() as {
    id: number;
    role: string;
    password_hash: string;
  };
  assert.equal(row.role, 'manager');
  assert.match(row.password_hash, /^scrypt\$16384\$8\$5\$/);
  db.prepare('INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(
    's',
    row.id,
    'c',
    Date.now(),
    Date.now(),
  );
  db.close();

  const dup = await run(['user', 'add', '--email', 'ana@example.test', '--name', 'Ana', '--role', 'agent'], {
    cwd,
    input: 'a long enough password\n',
  });
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already uses this email/);
  const short = await run(['user', 'add', '--email', 'bo@example.test', '--name', 'Bo', '--role', 'agent'], {
    cwd,
    input: 'short\n',
  });
  assert.equal(short.code, 1);
  assert.match(short.stderr, /at least 12/);
  const flagPassword = await run(
    [
      'user',
      'add',
      '--email',
      'x@example.test',
      '--name',
      'X',
      '--role',
      'agent',
      '--password',
      'a long enough password',
    ],
    { cwd },
  );
  assert.equal(flagPassword.code, 2, 'there is no --password flag');

  const reset = await run(['user', 'reset-password', '--email', 'ana@example.test'], {
    cwd,
    input: 'another long password\n',
  });
  assert.equal(reset.code, 0, reset.stderr);
  const after = new Database(join(cwd, 'data', 'switchboard.db'));
  assert.equal(after.prepare('SELECT count(*) FROM sessions').pluck().get(), 0);
  assert.notEqual(after.prepare('SELECT password_hash FROM users').pluck().get(), row.password_hash);
  // Both are in the audit log as the console's, with no password in it.
  assert.deepEqual(
    after
      .prepare('SELECT actor_id, actor_name, origin, action, subject_id, subject, changes FROM audit_log ORDER BY id')
      .all(),
    [
      {
        actor_id: null,
        actor_name: null,
        origin: 'console',
        action: 'user.created',
        subject_id: row.id,
        subject: 'Ana',
        changes: '{"email":"ana@example.test","name":"Ana","role":"manager"}',
      },
      {
        actor_id: null,
        actor_name: null,
        origin: 'console',
        action: 'user.password_reset',
        subject_id: row.id,
        subject: 'Ana',
        changes: null,
      },
    ],
  );
  after.close();
});

test('migrate brings a database up to date and refuses one from newer code', async () => {
  const cwd = tmp();
  const first = await run(['migrate', '--data', 'store'], { cwd });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(join(cwd, 'store', 'switchboard.db')));
  const db = new Database(join(cwd, 'store', 'switchboard.db'));
  db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run(
    'future',
    Date.now() + 86_400_000,
  );
  db.close();
  const refused = await run(['serve', '--data', 'store'], { cwd });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /migrated by a newer Switchboard/);
});

test('switchboard sandbox runs the test SMSC alone and stops on SIGTERM', async () => {
  const cwd = tmp();
  const child = spawn(process.execPath, [...CLI, 'sandbox', '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // Until it says so or exits: starting tsx and the SMSC takes seconds on a busy machine, and no bound is the point here.
  await Promise.race([
    until(() => out.includes('sandbox SMSC listening'), 'the sandbox SMSC to listen', 110_000),
    exited,
  ]);
  assert.match(out, /"system_id":"sandbox"/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal((await run(['sandbox', '--port', 'x'], { cwd })).code, 2);
});

test("--version prints the app's and Node's versions", async () => {
  const result = await run(['--version'], { cwd: tempDir() });
  assert.equal(result.code, 0);
  assert.equal(
    result.stdout,
    `switchboard ${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version} (Node ${process.version})\n`,
  );
});
