import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { createSimulator } from '../../src/channels/smpp/simulator.ts';
import { createDb } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Actor, DomainContext } from '../../src/domain/context.ts';
import { createEventBus } from '../../src/domain/events.ts';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../src/domain/campaigns/lifecycle.ts';
import { syncNumbers } from '../../src/domain/numbers/sync.ts';
import { createUser } from '../../src/domain/users/service.ts';
import { writeCarrierConfig } from '../carrier-config.ts';
import { run, start } from '../cli/run.ts';
import { PASSWORD, until } from '../helper.ts';
import { tempDir } from '../tmp.ts';

/**
 * "Pause, resume, cancel — idempotent and surviving restarts; nobody gets a campaign message twice", with the server
 * as the real CLI in a child process killed with SIGKILL, and the SMSC in this process counting submit_sm per phone.
 */

const NUMBER = '+15551230000';
const RECIPIENTS = 60;
const RATE = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The manager's click from a second process on the file: a deferred transaction that finds the server writing gets
 * SQLITE_BUSY at once (no busy wait for a read turned write), so it is tried again, as a click would be.
 */
async function click(fn: () => void): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (err) {
      const busy = (err as { cause?: { code?: string } }).cause?.code === 'SQLITE_BUSY';
      if (!busy || i > 50) throw err;
      await sleep(20);
    }
  }
}

/** An Etc/GMT zone where it is about 14:00 now: inside any send window. */
function daytimeZone(): string {
  const offset = ((14 - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

test(
  'pause, resume and cancel survive SIGKILL of the server; nobody gets a campaign text twice',
  { timeout: 120_000 },
  async (t) => {
    const smsc = createSimulator({
      port: 0,
      systemId: 'camp',
      password: 'secret12',
      receipts: 'text',
      receiptDelayMs: 20,
      submitDelayMs: 5,
      log: pino({ level: 'silent' }),
    });
    await smsc.start();
    const servers: ReturnType<typeof start>[] = [];
    t.after(async () => {
      for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await Promise.all(servers.map((s) => s.exited));
      await smsc.stop();
    });
    const cwd = tempDir('switchboard-campaign-restart-');
    const configFile = writeCarrierConfig(cwd, {
      port: smsc.port,
      number: NUMBER,
      systemId: 'camp',
      password: 'secret12',
      window: 10,
      registration: 'registered',
      logLevel: 'info',
    });
    const env = { HOST: '127.0.0.1', SWITCHBOARD_CONFIG: '', SWITCHBOARD_DATA: '' };
    assert.equal((await run(['migrate', '--config', configFile], { cwd, env })).code, 0);

    // The test's own handle on the file: it plays the manager's clicks while the server runs.
    const sqlite = openDatabase(join(cwd, 'data', 'switchboard.db'));
    t.after(() => sqlite.close());
    const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
    const admin = await createUser(ctx, null, {
      email: 'a@example.test',
      name: 'A',
      role: 'admin',
      password: PASSWORD,
    });
    const actor: Actor = { id: admin.id, role: 'admin' };
    syncNumbers(ctx, [{ e164: NUMBER, smpp: 'carrier', inbox: 'Support', registration: 'registered', throughput: 0 }]);
    const numberId = sqlite.prepare('SELECT id FROM numbers WHERE e164 = ?').pluck().get(NUMBER) as number;
    const phoneOf = (c: number, i: number) => `+1555${c}${String(i).padStart(6, '0')}`;
    const campaign = (c: number, state: string) => {
      const now = Date.now();
      const id = sqlite
        .prepare(
          `INSERT INTO campaigns (name, number_id, state, body, footer, rate_per_minute, send_at, started_at, created_at, updated_at)
         VALUES (?, ?, ?, 'Offer {{contact.phone}}', 'Reply STOP to opt out', ?, ?, ?, ?, ?) RETURNING id`,
        )
        .pluck()
        .get(`Campaign ${c}`, numberId, state, RATE, now, now, now, now) as number;
      const add = sqlite.prepare(`INSERT INTO campaign_recipients (campaign_id, phone, zones) VALUES (?, ?, ?)`);
      for (let i = 0; i < RECIPIENTS; i++) add.run(id, phoneOf(c, i), daytimeZone());
      return id;
    };
    const a = campaign(7, 'sending');
    const b = campaign(8, 'paused');
    sqlite.prepare(`UPDATE campaigns SET paused_reason = 'manual' WHERE id = ?`).run(b);

    const accepted = () => smsc.received.filter((m) => m.messageId !== null);
    const serve = async () => {
      const s = start(['--config', configFile], { cwd, env });
      servers.push(s);
      await s.waitFor((l) => l.msg === 'Switchboard is listening', 30_000);
      return s;
    };
    const kill = async (s: ReturnType<typeof start>) => {
      s.child.kill('SIGKILL');
      await s.exited;
    };
    const stateOf = (id: number) => sqlite.prepare('SELECT state FROM campaigns WHERE id = ?').pluck().get(id);
    const inFlight = () =>
      sqlite.prepare(`SELECT count(*) FROM messages WHERE status = 'queued' AND leased = 1`).pluck().get() as number;

    // Run 1: killed mid-send.
    const first = await serve();
    await until(() => accepted().length >= 10 || undefined, 'ten texts at the SMSC', 30_000);
    await kill(first);
    const leasedAtKill = inFlight();
    const atFirstKill = accepted().length;

    // Run 2: carries on; paused, then killed while paused; campaign B is cancelled meanwhile.
    const second = await serve();
    await until(() => accepted().length >= atFirstKill + 10 || undefined, 'ten more after the restart', 30_000);
    await click(() => pauseCampaign(ctx, actor, a));
    await click(() => pauseCampaign(ctx, actor, a));
    await click(() => cancelCampaign(ctx, actor, b));
    await sleep(1_000); // what was in flight at the pause finishes
    const atPause = accepted().length;
    await sleep(1_500);
    assert.equal(accepted().length, atPause, 'nothing goes while paused');
    await kill(second);

    // Run 3: still paused after the restart; resumed, it finishes.
    await serve();
    await sleep(2_500);
    assert.equal(accepted().length, atPause, 'still paused after a restart');
    assert.equal(stateOf(a), 'paused');
    await click(() => resumeCampaign(ctx, actor, a));
    await until(() => stateOf(a) === 'done' || undefined, 'campaign A done', 60_000);
    await until(
      () =>
        sqlite.prepare(`SELECT count(*) FROM messages WHERE status = 'queued'`).pluck().get() === 0 ? true : undefined,
      'the outbox empty',
      30_000,
    );

    const perPhone = new Map<string, number>();
    for (const m of accepted()) perPhone.set(m.destAddr, (perPhone.get(m.destAddr) ?? 0) + 1);
    const twice = [...perPhone].filter(([, n]) => n > 1);
    const interrupted = sqlite
      .prepare(`SELECT count(*) FROM messages WHERE campaign_id = ? AND error_code = 'interrupted'`)
      .pluck()
      .get(a) as number;
    t.diagnostic(
      `${accepted().length} accepted submit_sm for ${perPhone.size} phones; ${leasedAtKill} leased at the SIGKILL mid-send, ` +
        `${interrupted} failed as interrupted (not sent again); ${twice.length} phones got a second copy`,
    );
    assert.deepEqual(twice, [], 'nobody got a campaign text twice');
    assert.ok(
      [...perPhone.keys()].every((to) => to.includes(`15557`)),
      'only campaign A: cancelled B sent nothing',
    );
    assert.equal(interrupted, leasedAtKill, 'the texts leased at the kill failed as interrupted');
    assert.ok(perPhone.size >= RECIPIENTS - interrupted, 'everyone else got their text');
    const messagesPerRecipient = sqlite
      .prepare(`SELECT count(*) FROM messages WHERE campaign_id = ? GROUP BY conversation_id HAVING count(*) > 1`)
      .all(a);
    assert.deepEqual(messagesPerRecipient, [], 'one message per recipient');
    assert.equal(
      sqlite
        .prepare(`SELECT count(*) FROM campaign_recipients WHERE campaign_id = ? AND skip_reason = 'cancelled'`)
        .pluck()
        .get(b),
      RECIPIENTS,
    );
  },
);
