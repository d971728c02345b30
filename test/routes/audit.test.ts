import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { updateOwnSettings } from '../../src/domain/users/service.ts';
import { buildUser } from '../factories.ts';
import { Client, type TestApp, testApp } from '../helper.ts';
import { HX, signedInFrom } from './steps.ts';

const ADMIN_AT = '203.0.113.7';

interface Row {
  actorId: number | null;
  actorName: string | null;
  origin: string | null;
  subjectId: number | null;
  subject: string | null;
  changes: Record<string, unknown> | null;
}

/** The records of one action, oldest first, as the audit log holds them. */
function records(h: TestApp, action: string, subjectId?: number): Row[] {
  return (
    h.sqlite
      .prepare(
        `SELECT actor_id AS actorId, actor_name AS actorName, origin, subject_id AS subjectId, subject, changes
         FROM audit_log WHERE action = ? AND (? IS NULL OR subject_id = ?) ORDER BY id`,
      )
      .all(action, subjectId ?? null, subjectId ?? null) as (Row & { changes: string | null })[]
  ).map((r) => ({ ...r, changes: r.changes === null ? null : (JSON.parse(r.changes) as Record<string, unknown>) }));
}

const total = (h: TestApp): number => h.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;

test('user changes on the Users page are recorded once each, with who, from where and what changed; refused ones not at all', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  await a.get('/admin/users');
  const by = { actorId: admin.id, actorName: 'Ada', origin: ADMIN_AT };

  await a.post('/admin/users', {
    name: 'Ana',
    email: 'Ana@Example.test',
    role: 'agent',
    password: 'a long enough password',
  });
  const ana = h.sqlite.prepare(`SELECT id FROM users WHERE email = 'ana@example.test'`).pluck().get() as number;
  assert.deepEqual(records(h, 'user.created', ana), [
    { ...by, subjectId: ana, subject: 'Ana', changes: { email: 'ana@example.test', name: 'Ana', role: 'agent' } },
  ]);
  const before = total(h);
  assert.equal(
    (
      await a.post('/admin/users', {
        name: 'Bo',
        email: 'ana@example.test',
        role: 'agent',
        password: 'a long enough password',
      })
    ).statusCode,
    409,
  );
  assert.equal(total(h), before, 'a refused creation leaves no record');

  assert.equal((await a.post(`/admin/users/${ana}/role`, { role: 'manager' })).statusCode, 200);
  assert.equal(
    (await a.post(`/admin/users/${ana}/role`, { role: 'manager' })).statusCode,
    200,
    'the same role again changes nothing',
  );
  assert.deepEqual(records(h, 'user.role_changed'), [
    { ...by, subjectId: ana, subject: 'Ana', changes: { role: { from: 'agent', to: 'manager' } } },
  ]);

  assert.equal(
    (await a.post(`/admin/users/${admin.id}/role`, { role: 'agent' })).statusCode,
    422,
    'the last admin stays admin',
  );
  assert.equal((await a.post(`/admin/users/${admin.id}/active`, { active: 'false' })).statusCode, 422);
  assert.deepEqual(records(h, 'user.role_changed', admin.id), []);
  assert.deepEqual(records(h, 'user.deactivated', admin.id), []);

  // The name recorded is the one the person had then.
  updateOwnSettings(h.app.domain, admin.actor, { name: 'Ada Lovelace', locale: 'en' });
  assert.equal((await a.post(`/admin/users/${ana}/active`, { active: 'false' })).statusCode, 200);
  assert.equal((await a.post(`/admin/users/${ana}/active`, { active: 'true' })).statusCode, 200);
  const renamed = { ...by, actorName: 'Ada Lovelace' };
  assert.deepEqual(records(h, 'user.deactivated'), [
    { ...renamed, subjectId: ana, subject: 'Ana', changes: { active: { from: true, to: false } } },
  ]);
  assert.deepEqual(records(h, 'user.activated'), [
    { ...renamed, subjectId: ana, subject: 'Ana', changes: { active: { from: false, to: true } } },
  ]);
  assert.equal(records(h, 'user.created', ana)[0]!.actorName, 'Ada');

  // Failed sign-ins cleared: of an account, then of an address; clearing nothing records nothing.
  const guesser = new Client(h.app, '198.51.100.9');
  await guesser.get('/login');
  for (let i = 0; i < 3; i++) await guesser.post('/login', { email: 'ana@example.test', password: 'not the password' });
  assert.equal((await a.post(`/admin/users/${ana}/sign-ins/clear`, {}, HX)).statusCode, 200);
  assert.equal((await a.post(`/admin/users/${ana}/sign-ins/clear`, {}, HX)).statusCode, 200);
  assert.deepEqual(records(h, 'user.sign_ins_cleared'), [
    { ...renamed, subjectId: ana, subject: 'Ana', changes: { failures: 3 } },
  ]);
  for (let i = 0; i < 2; i++) await guesser.post('/login', { email: 'ana@example.test', password: 'not the password' });
  assert.equal((await a.post('/admin/users/address-sign-ins/clear', { address: '198.51.100.9' }, HX)).statusCode, 200);
  assert.equal((await a.post('/admin/users/address-sign-ins/clear', { address: '198.51.100.9' }, HX)).statusCode, 200);
  assert.deepEqual(records(h, 'address.sign_ins_cleared'), [
    { ...renamed, subjectId: null, subject: '198.51.100.9', changes: { failures: 2 } },
  ]);
});

test('the first admin, made at /setup, is recorded as having created themself, from where', async (t) => {
  const h = await testApp(t);
  const client = new Client(h.app, '192.0.2.10');
  const token = h.app.setup.token!;
  await client.get(`/setup?token=${token}`);
  assert.equal(
    (await client.post('/setup', { token, name: 'Ada', email: 'ada@example.test', password: 'short' })).statusCode,
    422,
  );
  assert.equal(total(h), 0);
  assert.equal(
    (await client.post('/setup', { token, name: 'Ada', email: 'ada@example.test', password: 'a long enough password' }))
      .statusCode,
    303,
  );
  const ada = h.sqlite.prepare('SELECT id FROM users').pluck().get() as number;
  assert.deepEqual(records(h, 'user.created'), [
    {
      actorId: ada,
      actorName: 'Ada',
      origin: '192.0.2.10',
      subjectId: ada,
      subject: 'Ada',
      changes: { email: 'ada@example.test', name: 'Ada', role: 'admin' },
    },
  ]);
});

test('the record is written in the same transaction as the change: when it cannot be written, nothing changes', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin' });
  const agent = await buildUser(h, { name: 'Ana' });
  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  await a.get('/admin/users');
  h.sqlite.exec(
    `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log refused'); END`,
  );
  assert.equal((await a.post(`/admin/users/${agent.id}/role`, { role: 'manager' })).statusCode, 500);
  assert.equal(h.sqlite.prepare('SELECT role FROM users WHERE id = ?').pluck().get(agent.id), 'agent');
  assert.equal((await a.post('/admin/inboxes', { name: 'Sales' })).statusCode, 500);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM inboxes WHERE name = 'Sales'`).pluck().get(), 0);
});

test('inbox changes, shared canned replies and surveys are recorded; personal quick replies are not', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const manager = await buildUser(h, { role: 'manager', name: 'Max' });
  const bo = await buildUser(h, { name: 'Bo' });
  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  const byAdmin = { actorId: admin.id, actorName: 'Ada', origin: ADMIN_AT };

  await a.get('/admin/inboxes');
  assert.equal((await a.post('/admin/inboxes', { name: 'Support' })).statusCode, 200);
  const inbox = h.sqlite.prepare(`SELECT id FROM inboxes WHERE name = 'Support'`).pluck().get() as number;
  assert.deepEqual(records(h, 'inbox.created'), [
    { ...byAdmin, subjectId: inbox, subject: 'Support', changes: { name: 'Support' } },
  ]);
  assert.equal((await a.post(`/admin/inboxes/${inbox}`, { name: 'Help desk' })).statusCode, 200);
  assert.deepEqual(records(h, 'inbox.renamed'), [
    { ...byAdmin, subjectId: inbox, subject: 'Help desk', changes: { name: { from: 'Support', to: 'Help desk' } } },
  ]);
  assert.equal(
    (await a.post(`/admin/inboxes/${inbox}/members`, { members: [String(manager.id), String(bo.id)] })).statusCode,
    200,
  );
  assert.equal((await a.post(`/admin/inboxes/${inbox}/members`, { members: [String(manager.id)] })).statusCode, 200);
  assert.equal(
    (await a.post(`/admin/inboxes/${inbox}/members`, { members: [String(manager.id)] })).statusCode,
    200,
    'unchanged',
  );
  assert.deepEqual(records(h, 'inbox.members_changed'), [
    { ...byAdmin, subjectId: inbox, subject: 'Help desk', changes: { added: ['Bo', 'Max'] } },
    { ...byAdmin, subjectId: inbox, subject: 'Help desk', changes: { removed: ['Bo'] } },
  ]);
  assert.equal((await a.post(`/inboxes/${inbox}/moving`, { enabled: '1' })).statusCode, 303);

  const m = await signedInFrom(h.app, manager.email, '192.0.2.44');
  const byManager = { actorId: manager.id, actorName: 'Max', origin: '192.0.2.44' };
  assert.equal((await m.post(`/inboxes/${inbox}/assignment`, { enabled: '0' })).statusCode, 303);
  assert.equal((await m.post(`/inboxes/${inbox}/auto-assign`, { enabled: '1', max_open: '5' })).statusCode, 303);
  assert.equal((await m.post(`/inboxes/${inbox}/auto-assign`, { enabled: '1', max_open: 'lots' }, HX)).statusCode, 422);
  assert.deepEqual(records(h, 'inbox.settings_changed'), [
    { ...byAdmin, subjectId: inbox, subject: 'Help desk', changes: { movingEnabled: { from: false, to: true } } },
    { ...byManager, subjectId: inbox, subject: 'Help desk', changes: { assignmentEnabled: { from: true, to: false } } },
    {
      ...byManager,
      subjectId: inbox,
      subject: 'Help desk',
      changes: { autoAssign: { from: false, to: true }, maxOpenPerAgent: { from: null, to: 5 } },
    },
  ]);

  await m.get('/canned');
  assert.equal(
    (await m.post('/canned', { scope: String(inbox), title: 'Greeting', keyword: 'hello', body: 'Hi!' })).statusCode,
    303,
  );
  assert.equal(
    (await m.post('/canned', { scope: String(inbox), title: 'Again', keyword: 'Hello', body: 'x' })).statusCode,
    409,
  );
  const canned = h.sqlite.prepare(`SELECT id FROM canned_replies WHERE keyword = 'hello'`).pluck().get() as number;
  assert.equal(
    (await m.post(`/canned/${canned}`, { title: 'Greeting', keyword: 'hi', body: 'Hello!' })).statusCode,
    303,
  );
  assert.equal((await m.post(`/canned/${canned}/delete`, {})).statusCode, 303);
  assert.equal(
    (await m.post('/canned', { scope: 'personal', title: 'Mine', keyword: 'mine', body: 'Cheers' })).statusCode,
    303,
  );
  assert.deepEqual(records(h, 'canned.created'), [
    {
      ...byManager,
      subjectId: canned,
      subject: 'Greeting',
      changes: { inbox: 'Help desk', title: 'Greeting', keyword: 'hello', body: 'Hi!' },
    },
  ]);
  assert.deepEqual(records(h, 'canned.updated'), [
    {
      ...byManager,
      subjectId: canned,
      subject: 'Greeting',
      changes: { inbox: 'Help desk', keyword: { from: 'hello', to: 'hi' }, body: { from: 'Hi!', to: 'Hello!' } },
    },
  ]);
  assert.deepEqual(records(h, 'canned.deleted'), [
    {
      ...byManager,
      subjectId: canned,
      subject: 'Greeting',
      changes: { inbox: 'Help desk', title: 'Greeting', keyword: 'hi', body: 'Hello!' },
    },
  ]);

  assert.equal(
    (
      await m.post('/surveys', {
        title: 'CSAT',
        invitation: 'Rate us: {link}',
        q1_kind: 'rating',
        q1_prompt: 'How did we do?',
      })
    ).statusCode,
    303,
  );
  assert.equal(
    (await m.post('/surveys', { title: 'Bad', invitation: 'no link', q1_kind: 'rating', q1_prompt: 'Q' })).statusCode,
    422,
  );
  const survey = h.sqlite.prepare('SELECT id FROM surveys').pluck().get() as number;
  assert.equal((await m.post(`/surveys/${survey}/archive`, { archived: '1' })).statusCode, 303);
  assert.equal((await m.post(`/surveys/${survey}/archive`, { archived: '0' })).statusCode, 303);
  assert.deepEqual(records(h, 'survey.created'), [
    {
      ...byManager,
      subjectId: survey,
      subject: 'CSAT',
      changes: { title: 'CSAT', invitation: 'Rate us: {link}', questions: ['How did we do?'] },
    },
  ]);
  assert.deepEqual(records(h, 'survey.archived'), [
    { ...byManager, subjectId: survey, subject: 'CSAT', changes: { archived: { from: false, to: true } } },
  ]);
  assert.deepEqual(records(h, 'survey.unarchived'), [
    { ...byManager, subjectId: survey, subject: 'CSAT', changes: { archived: { from: true, to: false } } },
  ]);
});

test('backups are recorded: Back up now as the admin, scheduled ones as the server; a failed one not at all', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  // A file where the folder should be: the backup cannot be written.
  writeFileSync(join(h.dir, 'not-a-folder'), '');
  h.configStore.current.backup.dir = join(h.dir, 'not-a-folder', 'backups');
  await a.get('/admin/backups');
  assert.equal((await a.post('/admin/backups', {}, HX)).statusCode, 503);
  assert.deepEqual(records(h, 'backup.made'), []);

  h.configStore.current.backup.dir = join(h.dir, 'backups');
  assert.equal((await a.post('/admin/backups', {}, HX)).statusCode, 200);
  const [made] = records(h, 'backup.made');
  assert.deepEqual([made!.actorId, made!.actorName, made!.origin], [admin.id, 'Ada', ADMIN_AT]);
  assert.match(made!.subject!, /backups\/switchboard-\d{8}T\d{6}Z$/);
  assert.deepEqual(Object.keys(made!.changes!), ['databaseBytes', 'mediaFiles']);

  h.configStore.current.backup.dir = join(h.dir, 'scheduled');
  assert.ok(await h.app.backups.runIfDue(), 'no backup in the new folder yet: one is due');
  const scheduled = records(h, 'backup.made')[1]!;
  assert.deepEqual([scheduled.actorId, scheduled.actorName, scheduled.origin], [null, null, 'server']);
});

/** Records written straight into the table, `n` of them at `at` (the page and the export only read). */
function seed(
  h: TestApp,
  n: number,
  row: {
    at: number;
    actorId?: number | null;
    actorName?: string | null;
    origin?: string;
    action?: string;
    subject?: string;
  },
): void {
  const insert = h.sqlite.prepare(
    'INSERT INTO audit_log (at, actor_id, actor_name, origin, action, subject) VALUES (?, ?, ?, ?, ?, ?)',
  );
  h.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      insert.run(
        row.at,
        row.actorId ?? null,
        row.actorName ?? null,
        row.origin ?? 'server',
        row.action ?? 'backup.made',
        `${row.subject ?? 'record'} ${i + 1}`,
      );
    }
  })();
}

const subjects = (html: string): string[] =>
  [...html.matchAll(/<tr id="audit-\d+">[\s\S]*?<\/tr>/g)].map(
    (m) => /<td>([^<]*)<\/td>\s*<td>(?:<ul|<\/td>)/.exec(m[0])?.[1] ?? '',
  );
const olderLink = (html: string): string | undefined =>
  /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&');

test('the Audit log page: admins only, filters by who, action and days, pages newest first without gaps or repeats', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const manager = await buildUser(h, { role: 'manager', name: 'Max' });
  const day = (d: string) => Date.parse(`${d}T12:00:00Z`);
  seed(h, 3, {
    at: day('2025-11-01'),
    actorId: manager.id,
    actorName: 'Max',
    origin: '192.0.2.1',
    action: 'inbox.renamed',
    subject: 'november',
  });
  // 120 records in the same millisecond: the pages must still follow each other exactly.
  seed(h, 120, { at: day('2025-11-20'), action: 'backup.made', subject: 'backup' });

  const m = await signedInFrom(h.app, manager.email, '192.0.2.1');
  assert.equal((await m.get('/admin/audit')).statusCode, 404);
  assert.equal((await m.get('/admin/audit.csv')).statusCode, 404);
  assert.doesNotMatch((await m.get('/conversations')).body, /href="\/admin\/audit"/);

  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  const page = await a.get('/admin/audit');
  assert.equal(page.statusCode, 200);
  assert.match(
    page.body,
    /<a href="\/admin\/audit" aria-current="page">.*<span class="label">Audit log<\/span><\/a>/,
    'in the navigation, for admins',
  );
  for (const [id, label] of [
    ['a-who', 'Who'],
    ['a-action', 'Action'],
    ['a-from', 'From \\(day\\)'],
    ['a-to', 'Until \\(day\\)'],
  ]) {
    assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`));
  }
  assert.match(page.body, /<th scope="col">When<\/th>\s*<th scope="col">Who<\/th>\s*<th scope="col">From<\/th>/);

  // Newest first: the console created the two users last of all.
  const first = subjects(page.body);
  assert.equal(first.length, 50);
  assert.deepEqual(first.slice(0, 2), ['Max', 'Ada']);
  const seen = [...first];
  for (let next = olderLink(page.body); next;) {
    const older = await a.get(next);
    assert.equal(older.statusCode, 200);
    seen.push(...subjects(older.body));
    assert.match(older.body, /<a href="\/admin\/audit">Newest records<\/a>/);
    next = olderLink(older.body);
  }
  assert.equal(seen.length, 125);
  assert.equal(new Set(seen).size, 125, 'no record twice');
  assert.deepEqual(seen.slice(2, 5), ['backup 120', 'backup 119', 'backup 118']);
  assert.deepEqual(seen.slice(-3), ['november 3', 'november 2', 'november 1']);

  const mine = await a.get(`/admin/audit?who=${manager.id}`);
  assert.deepEqual(subjects(mine.body), ['november 3', 'november 2', 'november 1']);
  assert.match(mine.body, /<option value="\d+" selected>Max<\/option>/);
  assert.match(mine.body, /<td>192\.0\.2\.1<\/td>\s*<td>Inbox renamed<\/td>/);
  assert.deepEqual(subjects((await a.get('/admin/audit?who=console')).body), ['Max', 'Ada']);
  assert.deepEqual(subjects((await a.get('/admin/audit?action=user.created')).body), ['Max', 'Ada']);
  assert.deepEqual(subjects((await a.get('/admin/audit?from=2025-10-01&to=2025-11-19')).body), [
    'november 3',
    'november 2',
    'november 1',
  ]);
  assert.equal(subjects((await a.get('/admin/audit?who=server&from=2025-11-20&to=2025-11-20')).body).length, 50);
  const none = await a.get('/admin/audit?to=2025-10-31');
  assert.match(none.body, /No records match\./);
  assert.match(none.body, /<a href="\/admin\/audit">Reset filters<\/a>/);
  assert.match(none.body, /href="\/admin\/audit\.csv\?to=2025-10-31"/, 'the export keeps the filters');

  for (const bad of ['who=abc', 'action=user.deleted', 'from=2026-13-45', 'to=yesterday', 'before=x', 'who=1&who=2']) {
    const res = await a.get(`/admin/audit?${bad}`);
    assert.equal(res.statusCode, 400, bad);
    assert.match(res.body, /is not valid/);
  }
});

/** RFC 4180, enough for the test: quoted cells with doubled quotes, commas and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

test('the CSV export: same filters, every record however many, quoted, and no cell a spreadsheet would run as a formula', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: '@Ada' });
  const a = await signedInFrom(h.app, admin.email, ADMIN_AT);
  await a.get('/admin/inboxes');
  await a.post('/admin/inboxes', { name: '=HYPERLINK("http://evil.test","Sales, North")' });
  await a.post('/admin/inboxes', { name: '-2+3' });
  await a.post('/admin/inboxes', { name: '+49 Sales' });
  seed(h, 1234, { at: Date.parse('2025-01-01T00:00:00Z'), subject: 'old' });

  const res = await a.get('/admin/audit.csv?action=inbox.created');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(res.headers['content-disposition'], 'attachment; filename="audit-log.csv"');
  assert.ok(res.body.endsWith('\r\n'));
  const [header, ...rows] = parseCsv(res.body);
  assert.deepEqual(header, ['at', 'actor_id', 'actor', 'from', 'action', 'subject_id', 'subject', 'changes']);
  assert.equal(rows.length, 3);
  const [plus, minus, link] = rows;
  assert.deepEqual(link!.slice(1, 5), [String(admin.id), "'@Ada", ADMIN_AT, 'inbox.created']);
  assert.equal(link![6], `'=HYPERLINK("http://evil.test","Sales, North")`);
  assert.deepEqual(JSON.parse(link![7]!), { name: '=HYPERLINK("http://evil.test","Sales, North")' });
  assert.equal(minus![6], "'-2+3");
  assert.equal(plus![6], "'+49 Sales");
  assert.match(link![0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(
    res.body.includes(`"'=HYPERLINK(""http://evil.test"",""Sales, North"")"`),
    'quotes doubled inside a quoted cell',
  );

  // More records than one read takes: all of them, each once, newest first.
  const all = parseCsv((await a.get('/admin/audit.csv?who=server')).body).slice(1);
  assert.equal(all.length, 1234);
  assert.equal(new Set(all.map((r) => r[6])).size, 1234);
  assert.deepEqual([all[0]![6], all.at(-1)![6]], ['old 1234', 'old 1']);
  assert.equal((await a.get('/admin/audit.csv?action=nope')).statusCode, 400);
});

test('reset links and two-factor resets are recorded: made by the admin, used by the person from their address', async (t) => {
  const h = await testApp(t);
  const admin = await buildUser(h, { role: 'admin', name: 'Ada' });
  const agent = await buildUser(h, { name: 'Ana' });
  const { createResetLink, useResetLink } = await import('../../src/domain/accounts/password-reset.ts');
  const { resetTwoFactor } = await import('../../src/domain/accounts/two-factor.ts');
  const { token } = createResetLink(h.app.domain, { ...admin.actor, address: ADMIN_AT }, agent.id);
  assert.deepEqual(records(h, 'user.reset_link_created', agent.id), [
    { actorId: admin.id, actorName: 'Ada', origin: ADMIN_AT, subjectId: agent.id, subject: 'Ana', changes: null },
  ]);
  await useResetLink(h.app.domain, token, 'a brand new long password', '198.51.100.9');
  assert.deepEqual(records(h, 'user.reset_link_used', agent.id), [
    { actorId: agent.id, actorName: 'Ana', origin: '198.51.100.9', subjectId: agent.id, subject: 'Ana', changes: null },
  ]);
  const before = total(h);
  resetTwoFactor(h.app.domain, admin.actor, agent.id);
  assert.equal(total(h), before, 'resetting a second factor nobody has changes nothing and records nothing');
});
