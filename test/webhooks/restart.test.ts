import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import { webhookDeliveries } from '../../src/db/schema/index.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createEndpoint } from '../../src/domain/webhooks/endpoints.ts';
import { RETRY_DELAYS_MS } from '../../src/domain/webhooks/queue.ts';
import { migrationsDir } from '../../src/paths.ts';
import { buildConversation, buildUser, receiveText } from '../factories.ts';
import { until } from '../helper.ts';
import { startReceiver } from './receiver.ts';

/** An app on `dbFile`, as `switchboard serve` opens one: the same file again after a restart. */
async function openApp(dir: string, dbFile: string) {
  const sqlite = openDatabase(dbFile);
  await migrate(sqlite, dbFile, loadMigrations(migrationsDir));
  const configStore = { current: validateConfig({ webhooks: { allow_private: true } }, 'test'), file: undefined };
  const app = await buildApp({ configStore, sqlite, logger: false, mediaDir: join(dir, 'media') });
  await app.ready();
  return {
    app,
    deliveries: () => app.domain.db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id).all(),
    async close() {
      await app.close();
      sqlite.close();
    },
  };
}

test('a restart in the middle of the retries loses nothing: the new process sends what was pending, in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbFile = join(dir, 'switchboard.db');
  const receiver = await startReceiver(t);
  receiver.answer(() => 500);

  const first = await openApp(dir, dbFile);
  const admin = await buildUser(first, { role: 'admin' });
  await createEndpoint(
    first.app.domain,
    admin.actor,
    { url: receiver.url, description: '', events: ['message.created'] },
    true,
  );
  const conversation = buildConversation(first, { texts: ['before the restart'] });
  receiveText(first, { to: conversation.to, from: conversation.phone, text: 'also before' });
  await until(
    () => first.deliveries()[0]?.attempts === 1 && first.deliveries()[0]?.status === 'pending',
    'a failed try',
  );
  const id = receiver.received[0]!.headers['webhook-id'];
  await first.close();

  receiver.answer(() => 200);
  const second = await openApp(dir, dbFile);
  t.after(() => second.close());
  const start = second.app.domain.now();
  second.app.domain.now = () => start + RETRY_DELAYS_MS[0] + 1;
  second.app.webhooks.run();
  await until(() => second.deliveries().every((d) => d.status === 'succeeded'), 'both delivered after the restart');
  assert.deepEqual(
    receiver.received.map((r) => r.event.data.body),
    ['before the restart', 'before the restart', 'also before'],
  );
  assert.equal(receiver.received[1]!.headers['webhook-id'], id, 'the same webhook-id across the restart');
  assert.equal(second.deliveries()[0]!.attempts, 2);
});
