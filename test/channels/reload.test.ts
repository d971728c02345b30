import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { startMessaging } from '../../src/channels/start.ts';
import { decodeShortMessage } from '../../src/channels/smpp/encoding.ts';
import { createSimulator, type BindAttempt, type Simulator } from '../../src/channels/smpp/simulator.ts';
import { reloadConfiguration } from '../../src/cli/reload.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { DomainError } from '../../src/domain/errors.ts';
import { queueReply } from '../../src/domain/messaging/outbox.ts';
import { buildUser, receiveText } from '../factories.ts';
import { buildTestApp, until } from '../helper.ts';

const SHOP = '+15551230000';
const SALES = '+15551230001';
const CUSTOMER = '+15557654321';

interface Connection {
  name: string;
  smsc: Simulator;
  password: string;
}

interface Number {
  e164: string;
  smpp: string;
  inbox: string;
  help?: string;
}

/** switchboard.toml as an operator writes it: real TOML, read back through loadConfig. */
function toml(c: { smpp: Connection[]; number: Number[]; extra?: string }): string {
  return [
    c.extra ?? '',
    '[sandbox]',
    'enabled = false',
    ...c.smpp.flatMap((s) => [
      '[[smpp]]',
      `name = "${s.name}"`,
      'host = "127.0.0.1"',
      `port = ${s.smsc.port}`,
      'system_id = "acme"',
      `password = "${s.password}"`,
      'enquire_link_s = 5',
    ]),
    ...c.number.flatMap((n) => [
      '[[number]]',
      `e164 = "${n.e164}"`,
      `smpp = "${n.smpp}"`,
      `inbox = "${n.inbox}"`,
      'registration = "not-required"',
      ...(n.help ? [`help_text = "${n.help}"`] : []),
    ]),
    '',
  ].join('\n');
}

/** What an SMSC saw: every bind (with its status) and every clean unbind. */
function watch(smsc: Simulator) {
  const binds: BindAttempt[] = [];
  let unbinds = 0;
  smsc.on('bind', (b) => binds.push(b));
  smsc.on('unbind', () => (unbinds += 1));
  return { binds, unbinds: () => unbinds };
}

async function smsc(t: TestContext, options: { password: string; submitDelayMs?: number }): Promise<Simulator> {
  const s = createSimulator({ systemId: 'acme', receipts: 'none', ...options });
  await s.start();
  t.after(() => s.stop());
  return s;
}

/** A server's messaging side started from a file, and the reload SIGHUP runs, against it. */
async function world(t: TestContext, first: string) {
  const h = await buildTestApp();
  const file = join(h.dir, 'switchboard.toml');
  writeFileSync(file, first);
  h.configStore.file = file;
  h.configStore.current = loadConfig(file);
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: h.configStore.current.log.level },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const messaging = await startMessaging(h.app, file, log);
  t.after(async () => {
    await messaging.stop();
    await h.close();
  });
  const bound = (name: string) =>
    until(() => h.app.messaging.channels.find((c) => c.name === name)?.state().status === 'bound', `${name} bound`);
  const reload = async (next: string) => {
    writeFileSync(file, next);
    return reloadConfiguration({ configStore: h.configStore, messaging, log, domain: h.app.domain });
  };
  return { h, log, lines, bound, reload };
}

const mo = (smsc: Simulator, to: string, text: string) =>
  smsc.sendMo({ from: CUSTOMER.slice(1), to: to.slice(1), shortMessage: Buffer.from(text, 'ascii'), dataCoding: 0 });

test('reload: a new [[number]] takes texts into its new inbox at once; its keyword text changes at once; the unchanged connection is not bound again', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const seen = watch(a);
  const carrier = { name: 'carrier', smsc: a, password: 'pw1' };
  const { h, bound, reload } = await world(
    t,
    toml({ smpp: [carrier], number: [{ e164: SHOP, smpp: 'carrier', inbox: 'Support' }] }),
  );
  await bound('carrier');

  const result = await reload(
    toml({
      smpp: [carrier],
      number: [
        { e164: SHOP, smpp: 'carrier', inbox: 'Support' },
        { e164: SALES, smpp: 'carrier', inbox: 'Sales' },
      ],
    }),
  );
  assert.deepEqual(result, {
    ok: true,
    message: 'configuration reloaded; connections added: none; rebound: none; removed: none; numbers: +1 −0',
  });

  assert.equal(await mo(a, SALES, 'Do you ship to Canada?'), 0, 'the SMSC got deliver_sm_resp OK');
  const inbox = await until(
    () =>
      h.sqlite
        .prepare(
          `SELECT i.name FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN inboxes i ON i.id = c.inbox_id WHERE m.body = ?`,
        )
        .pluck()
        .get('Do you ship to Canada?') as string | undefined,
    'the text stored',
  );
  assert.equal(inbox, 'Sales');

  const texts = await reload(
    toml({
      smpp: [carrier],
      number: [
        { e164: SHOP, smpp: 'carrier', inbox: 'Support' },
        { e164: SALES, smpp: 'carrier', inbox: 'Sales', help: 'Sales desk: call 555 0100' },
      ],
    }),
  );
  assert.equal(
    texts.message,
    `configuration reloaded; connections added: none; rebound: none; removed: none; numbers: +0 −0, changed: ${SALES}`,
  );
  await mo(a, SALES, 'HELP');
  await until(
    () => a.received.some((m) => decodeShortMessage(m).text === 'Sales desk: call 555 0100'),
    "the new number's own HELP text at the SMSC",
  );
  assert.deepEqual(
    seen.binds.map((b) => b.status),
    [0],
    'one bind, at start',
  );
  assert.equal(seen.unbinds(), 0);
});

test('reload: a changed password unbinds and binds again with it; sending goes on', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const seen = watch(a);
  const number = [{ e164: SHOP, smpp: 'carrier', inbox: 'Support' }];
  const { h, bound, reload } = await world(t, toml({ smpp: [{ name: 'carrier', smsc: a, password: 'pw1' }], number }));
  await bound('carrier');
  a.setCredentials({ password: 'pw2' });

  const result = await reload(toml({ smpp: [{ name: 'carrier', smsc: a, password: 'pw2' }], number }));
  assert.equal(
    result.message,
    'configuration reloaded; connections added: none; rebound: carrier; removed: none; numbers: +0 −0',
  );
  const audit = h.sqlite
    .prepare(`SELECT actor_id AS actorId, origin, changes FROM audit_log WHERE action = 'config.reloaded'`)
    .all();
  assert.deepEqual(
    audit,
    [{ actorId: null, origin: 'console', changes: JSON.stringify({ connections_rebound: ['carrier'] }) }],
    'the audit log records the reload and what it changed',
  );
  await until(() => seen.binds.length === 2, 'a second bind');
  assert.deepEqual(
    seen.binds.map((b) => b.status),
    [0, 0],
    'the second bind, with the new password, is accepted',
  );
  assert.equal(seen.unbinds(), 1, 'the old bind was unbound first');
  await bound('carrier');

  const admin = await buildUser(h, { role: 'admin' });
  const inbound = receiveText(h, { from: CUSTOMER, to: SHOP, text: 'Hi' });
  queueReply(h.app.domain, admin.actor, inbound.conversationId, 'Sent over the new bind');
  await until(
    () => a.received.some((m) => decodeShortMessage(m).text === 'Sent over the new bind'),
    'the reply at the SMSC',
  );
});

test('reload: a removed connection finishes its sends in flight, then unbinds; the other is not touched', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const b = await smsc(t, { password: 'pw1', submitDelayMs: 800 });
  const seenA = watch(a);
  const seenB = watch(b);
  const carrier = { name: 'carrier', smsc: a, password: 'pw1' };
  const shop = { e164: SHOP, smpp: 'carrier', inbox: 'Support' };
  const { h, bound, reload } = await world(
    t,
    toml({
      smpp: [carrier, { name: 'backup', smsc: b, password: 'pw1' }],
      number: [shop, { e164: SALES, smpp: 'backup', inbox: 'Sales' }],
    }),
  );
  await bound('carrier');
  await bound('backup');

  const admin = await buildUser(h, { role: 'admin' });
  const inbound = receiveText(h, { from: CUSTOMER, to: SALES, text: 'Hi' });
  const { messageId } = queueReply(
    h.app.domain,
    admin.actor,
    inbound.conversationId,
    'In flight while the connection goes',
  );
  await until(() => b.received.length === 1, 'the submit at the SMSC, its answer held back');

  const result = await reload(toml({ smpp: [carrier], number: [shop] }));
  assert.equal(
    result.message,
    'configuration reloaded; connections added: none; rebound: none; removed: backup; numbers: +0 −1',
  );
  assert.equal(
    h.sqlite.prepare('SELECT status FROM messages WHERE id = ?').pluck().get(messageId),
    'sent',
    'its submit_sm_resp came before the unbind',
  );
  assert.equal(seenB.unbinds(), 1, 'unbound cleanly');
  assert.equal(b.boundSessions(), 0);
  assert.deepEqual(
    h.app.messaging.channels.map((c) => c.name),
    ['carrier'],
  );
  assert.equal(seenA.binds.length, 1);
  assert.equal(seenA.unbinds(), 0);

  // The removed number stops: a text to it (here over the connection that stays) is acknowledged and dropped, and nothing more is sent from it.
  assert.equal(await mo(a, SALES, 'Anyone there?'), 0);
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM messages WHERE body = 'Anyone there?'`).pluck().get(), 0);
  assert.throws(
    () => queueReply(h.app.domain, admin.actor, inbound.conversationId, 'Too late'),
    (err: DomainError) => err.key === 'sms.number_retired' && err.status === 422,
  );

  const back = await reload(
    toml({ smpp: [carrier], number: [shop, { e164: SALES, smpp: 'carrier', inbox: 'Sales' }] }),
  );
  assert.match(back.message, /numbers: \+1 −0$/);
  await mo(a, SALES, 'Back again?');
  assert.equal(
    h.sqlite.prepare(`SELECT count(*) FROM messages WHERE body = 'Back again?'`).pluck().get(),
    1,
    'configured again, it takes texts again',
  );
});

test('reload: an [[mm7]] connection is added, changed (its inbound password) and removed without a restart', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const base = {
    smpp: [{ name: 'carrier', smsc: a, password: 'pw1' }],
    number: [{ e164: SHOP, smpp: 'carrier', inbox: 'Support' }],
  };
  const mm7 = (password: string) =>
    `[[mm7]]\nname = "mmsc"\nurl = "http://127.0.0.1:9/mm7"\nvasp_id = "acme"\nvas_id = "switchboard"\ninbound_username = "carrier"\ninbound_password = "${password}"\n`;
  const { h, reload } = await world(t, toml(base));
  const basic = (password: string) => `Basic ${Buffer.from(`carrier:${password}`).toString('base64')}`;
  const post = (password: string) =>
    h.app.inject({
      method: 'POST',
      url: '/mm7/mmsc',
      headers: { 'content-type': 'text/xml', authorization: basic(password) },
      payload: '<x/>',
    });
  assert.equal((await post('first-password-1')).statusCode, 404, 'no such connection yet');

  assert.match(
    (await reload(toml({ ...base, extra: mm7('first-password-1') }))).message,
    /connections added: mmsc; rebound: none; removed: none/,
  );
  assert.notEqual((await post('first-password-1')).statusCode, 404);
  assert.equal((await post('other-password-2')).statusCode, 401);

  assert.match(
    (await reload(toml({ ...base, extra: mm7('other-password-2') }))).message,
    /connections added: none; rebound: mmsc; removed: none/,
  );
  assert.equal((await post('first-password-1')).statusCode, 401, 'the old password no longer opens it');
  const screened = await h.app.messaging.receivers.get('mm7')!.get('mmsc')!.screen!({
    method: 'POST',
    headers: { authorization: basic('other-password-2') },
    query: {},
  });
  assert.equal(screened, null, 'the new password opens it');

  assert.match((await reload(toml(base))).message, /connections added: none; rebound: none; removed: mmsc/);
  assert.equal((await post('other-password-2')).statusCode, 404);
  assert.deepEqual(
    h.app.messaging.channels.map((c) => c.name),
    ['carrier'],
  );
});

test('reload: an invalid file, or a connection whose secret is missing, changes nothing and says why', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const seen = watch(a);
  const carrier = { name: 'carrier', smsc: a, password: 'pw1' };
  const good = toml({ smpp: [carrier], number: [{ e164: SHOP, smpp: 'carrier', inbox: 'Support' }] });
  const { h, bound, reload, lines } = await world(t, good);
  await bound('carrier');
  const running = h.configStore.current;

  const broken = await reload(
    good.replace('enquire_link_s = 5', 'enquire_link_s = "often"') +
      '[[number]]\ne164 = "+15551230009"\nsmpp = "carrier"\ninbox = "New"\nregistration = "registered"\n',
  );
  assert.equal(broken.ok, false);
  assert.match(
    broken.message,
    /^configuration reload failed; keeping the running configuration: .*smpp\[0\]\.enquire_link_s/s,
  );
  assert.ok(
    lines.some((l) => l.level === 50 && l.msg === broken.message),
    'logged as an error',
  );

  const secretless = await reload(
    good.replace('password = "pw1"', 'password_env = "SWITCHBOARD_TEST_UNSET_SECRET"') + '[log]\nlevel = "debug"\n',
  );
  assert.equal(secretless.ok, false);
  assert.match(secretless.message, /SWITCHBOARD_TEST_UNSET_SECRET is not set/);

  assert.equal(h.configStore.current, running, 'the running configuration stays');
  assert.equal(h.sqlite.prepare(`SELECT count(*) FROM numbers`).pluck().get(), 1, 'no number added');
  assert.deepEqual(seen.binds.length, 1, 'no new bind');
  assert.equal(seen.unbinds(), 0);
});

test('reload: the log level and settings read per request apply at once; keys the process took at start are named and kept', async (t) => {
  const a = await smsc(t, { password: 'pw1' });
  const carrier = { name: 'carrier', smsc: a, password: 'pw1' };
  const number = [{ e164: SHOP, smpp: 'carrier', inbox: 'Support' }];
  const { h, log, lines, reload } = await world(t, toml({ smpp: [carrier], number, extra: '[log]\nlevel = "info"\n' }));
  log.debug('before');

  const result = await reload(
    toml({
      smpp: [carrier],
      number,
      extra: '[log]\nlevel = "debug"\n[server]\nport = 4321\n[auth]\nsession_idle_hours = 2\n',
    }),
  );
  assert.equal(
    result.message,
    'configuration reloaded; connections added: none; rebound: none; removed: none; numbers: +0 −0; settings: auth.session_idle_hours, log.level; restart needed for server.port',
  );
  log.debug('after');
  assert.deepEqual(
    lines.filter((l) => l.level === 20).map((l) => l.msg),
    ['after'],
    'debug lines from now on',
  );
  assert.equal(h.configStore.current.auth.session_idle_hours, 2);
  assert.equal(h.configStore.current.server.port, 3000, 'the running port, until a restart');
  assert.ok(lines.some((l) => l.msg === result.message && l.level === 30));
});
