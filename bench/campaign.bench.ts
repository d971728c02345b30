import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createDb } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open.ts';
import { createApiToken } from '../src/domain/api-tokens/tokens.ts';
import type { DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { receiveMessage } from '../src/domain/messaging/inbound.ts';
import { keywordTextsOf } from '../src/domain/messaging/texts.ts';
import { syncNumbers } from '../src/domain/numbers/sync.ts';
import { createUser } from '../src/domain/users/service.ts';
import { writeCarrierConfig } from '../test/carrier-config.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile } from './stats.ts';

/**
 * A campaign as a carrier and the agents see it: the real server (`switchboard serve` from the bundle, its own
 * process) sends a campaign of N recipients at RATE texts per minute to an SMSC in another process that acknowledges
 * each submit and sends its receipt. Measured: the achieved rate against the configured one, every campaign text
 * delivered (counted in the database and at the SMSC), and what agents get meanwhile — their replies, sent through
 * the API one every REPLY_EVERY_MS, from queued to delivered (the bench SMSC sends each receipt right after its
 * submit_sm_resp), p50/p95 without a campaign and while one runs.
 *
 *   npm run bench campaign      environment: N=600 RATE=600 REPLIES=100 REPLY_EVERY_MS=200
 */
const N = Number(process.env.N ?? 600);
const RATE = Number(process.env.RATE ?? 600);
const REPLIES = Number(process.env.REPLIES ?? 100);
const REPLY_EVERY_MS = Number(process.env.REPLY_EVERY_MS ?? 200);
const NUMBER = '+15550100300';
const CUSTOMERS = 20;
const SMSC = fileURLToPath(new URL('./peers/smsc.ts', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

async function startSmsc() {
  const child = spawn(process.execPath, ['--import', 'tsx', SMSC, '0', 'dlr'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await waitUntil(() => /listening \d+/.test(out), 'the SMSC listening', 10_000);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port: Number(/listening (\d+)/.exec(out)![1]),
    async stop(): Promise<{ submits: number }> {
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(out.trim().split('\n').pop()!) as { submits: number };
    },
  };
}

/** An Etc/GMT zone where it is about 14:00 now: the campaign is inside its send window whenever the bench runs. */
function daytimeZone(): string {
  const offset = ((14 - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The number, CUSTOMERS conversations for the agents' replies, an API token to send them. */
async function seed(dbFile: string): Promise<{ conversations: number[]; token: string; numberId: number }> {
  const sqlite = openDatabase(dbFile);
  try {
    const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
    syncNumbers(ctx, [{ e164: NUMBER, smpp: 'bench', inbox: 'Support', registration: 'not-required', throughput: 0 }]);
    const user = await createUser(ctx, null, {
      email: 'agent@example.test',
      name: 'Agent',
      role: 'admin',
      password: 'correct horse battery',
    });
    const { token } = createApiToken(ctx, null, { userId: user.id, name: 'bench', scopes: ['messages:send', 'admin'] });
    const conversations = Array.from({ length: CUSTOMERS }, (_, c) => {
      const r = receiveMessage(ctx, { from: `+1555710${String(c).padStart(4, '0')}`, to: NUMBER, text: 'hello' }, () =>
        keywordTextsOf(undefined),
      );
      if (!r.stored) throw new Error('the number is not set up');
      return r.conversationId;
    });
    const numberId = sqlite.prepare('SELECT id FROM numbers WHERE e164 = ?').pluck().get(NUMBER) as number;
    return { conversations, token, numberId };
  } finally {
    sqlite.close();
  }
}

/** A campaign as Send leaves it: sending, N recipients pending. */
function startCampaign(db: Database.Database, numberId: number): number {
  const now = Date.now();
  const id = db
    .prepare(
      `INSERT INTO campaigns (name, number_id, state, body, footer, rate_per_minute, send_at, started_at, created_at, updated_at)
       VALUES ('Bench', ?, 'sending', 'Sale today, {{contact.phone}}!', 'Reply STOP to opt out', ?, ?, ?, ?, ?) RETURNING id`,
    )
    .pluck()
    .get(numberId, RATE, now, now, now, now) as number;
  const add = db.prepare(`INSERT INTO campaign_recipients (campaign_id, phone, zones) VALUES (?, ?, ?)`);
  const zone = daytimeZone();
  db.transaction(() => {
    for (let i = 0; i < N; i++) add.run(id, `+1555720${String(i).padStart(4, '0')}`, zone);
  })();
  return id;
}

/** Agents' replies through the API, one every REPLY_EVERY_MS, while `going()`; their queued → delivered times. */
async function replies(
  base: string,
  token: string,
  conversations: number[],
  db: Database.Database,
  going: (sent: number) => boolean,
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; going(i); i++) {
    const res = await fetch(`${base}/api/v1/conversations/${conversations[i % conversations.length]}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `Agent reply ${i}` }),
    });
    if (res.status !== 201) throw new Error(`reply ${i}: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: number }).id);
    await sleep(REPLY_EVERY_MS);
  }
  const delivered = db
    .prepare(`SELECT count(*) FROM messages WHERE id IN (SELECT value FROM json_each(?)) AND status = 'delivered'`)
    .pluck();
  await waitUntil(() => delivered.get(JSON.stringify(ids)) === ids.length, 'the replies delivered', 60_000);
  return (
    db
      .prepare(`SELECT updated_at - created_at FROM messages WHERE id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .all(JSON.stringify(ids)) as number[]
  ).sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const smsc = await startSmsc();
  const cwd = tempDir('switchboard-bench-campaign-');
  const config = writeCarrierConfig(cwd, { port: smsc.port, number: NUMBER, connection: 'bench', window: 100 });
  const migrated = await run(['migrate', '--config', config], { cwd });
  if (migrated.code !== 0) throw new Error(`migrate: ${migrated.stderr}`);
  const dbFile = join(cwd, 'data', 'switchboard.db');
  const { conversations, token, numberId } = await seed(dbFile);
  const server = start(['--config', config], { cwd, entry: BUNDLE });
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  try {
    const listening = await server.waitFor((l) => l.msg === 'Switchboard is listening');
    await server.waitFor((l) => l.msg === 'SMPP connection bench bound');
    const base = String(listening.url);

    const idle = await replies(base, token, conversations, db, (i) => i < REPLIES);

    const campaignId = startCampaign(db, numberId);
    const state = db.prepare('SELECT state FROM campaigns WHERE id = ?').pluck();
    const busy = await replies(base, token, conversations, db, () => state.get(campaignId) !== 'done');
    const delivered = db
      .prepare(`SELECT count(*) FROM messages WHERE campaign_id = ? AND status = 'delivered'`)
      .pluck();
    await waitUntil(() => delivered.get(campaignId) === N, `${N} campaign texts delivered`, 60_000);
    const span = db
      .prepare(`SELECT min(created_at) AS first, max(created_at) AS last FROM messages WHERE campaign_id = ?`)
      .get(campaignId) as { first: number; last: number };
    const statuses = db
      .prepare(`SELECT status || '=' || count(*) FROM messages WHERE campaign_id = ? GROUP BY status`)
      .pluck()
      .all(campaignId)
      .join(' ');
    // From the first text queued to the last: N - 1 intervals at the campaign's pace.
    const achieved = ((N - 1) / ((span.last - span.first) / 1000)) * 60;
    const counts = await smsc.stop();
    const p = (xs: number[], q: number) => percentile(xs, q);
    const change = (a: number, b: number) => `${b >= a ? '+' : ''}${Math.round(((b - a) / a) * 100)} %`;
    console.log(
      `campaign of ${N}: configured ${RATE}/min, achieved ${Math.round(achieved)}/min over ${((span.last - span.first) / 1000).toFixed(1)} s; ` +
        `[${statuses}]; SMSC submits ${counts.submits} (campaign ${N} + replies ${idle.length + busy.length})`,
    );
    console.log(
      `agent replies queued → delivered: without a campaign n=${idle.length} p50=${p(idle, 50)} ms p95=${p(idle, 95)} ms; ` +
        `during it n=${busy.length} p50=${p(busy, 50)} ms p95=${p(busy, 95)} ms`,
    );
    console.log(
      `SUMMARY campaign: ${N} at ${RATE}/min → ${Math.round(achieved)}/min achieved, ${delivered.get(campaignId) as number}/${N} delivered; ` +
        `agent reply p50 ${p(idle, 50)} → ${p(busy, 50)} ms (${change(p(idle, 50), p(busy, 50))}), ` +
        `p95 ${p(idle, 95)} → ${p(busy, 95)} ms (${change(p(idle, 95), p(busy, 95))}); ${machine()}`,
    );
  } finally {
    db.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await smsc.stop().catch(() => {});
  }
}

await main();
