import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { startMessaging } from '../../src/channels/start.ts';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { buildUser } from '../factories.ts';
import { buildTestApp, signedIn, until } from '../helper.ts';

test('a bind refused for a wrong password is one error line across the retries, and admins see when the next attempt starts', async (t) => {
  const smsc = createSimulator({ systemId: 'switchboard', password: 'right' });
  await smsc.start();
  const binds: number[] = [];
  smsc.on('bind', (attempt) => binds.push(attempt.status));
  const h = await buildTestApp({
    smpp: [{ name: 'carrier', host: '127.0.0.1', port: smsc.port, system_id: 'switchboard', password: 'wrong' }],
    number: [{ e164: '+15550100200', smpp: 'carrier', inbox: 'Support', registration: 'not-required' }],
  });
  const lines: { level: number; msg: string }[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  const messaging = await startMessaging(h.app, 'switchboard.toml', log);
  t.after(async () => {
    await messaging.stop();
    await smsc.stop();
    await h.close();
  });

  await until(() => binds.length >= 3, 'three refused binds');
  const errors = lines.filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, `one error line, not one per retry: ${JSON.stringify(errors)}`);
  assert.match(errors[0]!.msg, /carrier: the SMSC refused the bind; check system_id and password/);
  const afterError = lines.slice(lines.indexOf(errors[0]!));
  assert.equal(
    afterError.filter((l) => /reconnect scheduled|SMPP connection carrier (down|connecting)/.test(l.msg)).length,
    0,
    'the retries are not logged at info',
  );

  assert.match(h.app.messaging.channels[0]!.state().lastError ?? '', /Bind failed \(ESME_RBINDFAIL/);
  const admin = await buildUser(h, { role: 'admin' });
  const client = await signedIn(h.app, admin.email);
  // Between attempts the connection is down with its next attempt scheduled; during one it is connecting.
  let page = '';
  for (
    const deadline = Date.now() + 15_000;
    Date.now() < deadline && !page.includes('conn-down');
    await new Promise((r) => setTimeout(r, 20))
  ) {
    page = (await client.get('/admin/connections')).body;
  }
  assert.match(
    page,
    /<td class="conn-down">Down <span class="subtle">since [^<]+<\/span>\s*<br><span class="subtle">next attempt [^<]+ \(in \d+ s\)<\/span>/,
  );

  smsc.setCredentials({ password: 'wrong' });
  const errorsBefore = lines.filter((l) => l.level >= 50).length;
  await until(() => h.app.messaging.channels[0]!.state().status === 'bound', 'bound once the password matches');
  assert.ok(
    lines.some((l) => l.level === 30 && l.msg === 'SMPP connection carrier bound'),
    'binding again is logged',
  );
  assert.equal(lines.filter((l) => l.level >= 50).length, errorsBefore);
});
