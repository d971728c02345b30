import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { createSmppConnection, type ConnectionState } from '../src/channels/smpp/connection.ts';
import { encodeForSubmit } from '../src/channels/smpp/encoding.ts';
import { createDb } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open.ts';
import type { DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { receiveMessage } from '../src/domain/messaging/inbound.ts';
import { keywordTextsOf } from '../src/domain/messaging/texts.ts';
import { syncNumbers } from '../src/domain/numbers/sync.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine } from './stats.ts';
import { writeCarrierConfig } from '../test/carrier-config.ts';

/**
 * Outbound SMS with delivery receipts, as a carrier sees it: the real server (`switchboard serve`, its own process,
 * `synchronous=FULL`) sends queued replies over SMPP to an SMSC in another process that acknowledges each submit
 * and sends a receipt for it. A round ends when every message is `delivered` in the database: every receipt
 * counted. Where Kannel is installed (Debian `kannel`), the same SMSC program measures Kannel with its spool
 * store and receipts in the same run, rounds interleaved. A bare `smpp` client (no database) gives the ceiling.
 *
 *   npm run bench smpp       environment: N=20000 ROUNDS=3 WINDOW=100 by default; KANNEL=0 leaves Kannel out
 */
const N = Number(process.env.N ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WINDOW = Number(process.env.WINDOW ?? 100);
const WARMUP = 1_000;
const CONTACTS = 100;
const ROUND_LIMIT_MS = 120_000;
const NUMBER = '+15550100200';
const SMSC = fileURLToPath(new URL('./peers/smsc.ts', import.meta.url));
const log = pino({ level: 'silent' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (n: number): string => Math.round(n).toLocaleString('en');

async function waitUntil(check: () => boolean, what: string, ms = ROUND_LIMIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(5);
  }
}

interface SmscCounts {
  submits: number;
  receiptsSent: number;
  receiptsAcked: number;
  firstSubmitAt: number;
  lastSubmitAt: number;
}

/** The bench SMSC in its own process, with receipts. */
async function startSmsc(port = 0) {
  const child = spawn(process.execPath, ['--import', 'tsx', SMSC, String(port), 'dlr'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await waitUntil(() => /listening \d+/.test(out), 'the SMSC listening', 10_000);
  const exited = new Promise((r) => child.once('exit', r));
  let stopped: Promise<SmscCounts> | null = null;
  return {
    port: Number(/listening (\d+)/.exec(out)![1]),
    /** Counts start afresh: after a warm-up. */
    reset: () => child.kill('SIGUSR2'),
    /** Its counts; once only, however often called. */
    stop(): Promise<SmscCounts> {
      stopped ??= (async () => {
        child.kill('SIGTERM');
        await exited;
        return JSON.parse(out.trim().split('\n').pop()!) as SmscCounts;
      })();
      return stopped;
    },
  };
}

const rssMb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
/** user + system CPU seconds of a process so far. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

interface Round {
  /** First to last submit_sm at the SMSC. */
  smscRate: number;
  /** From the first submit to the last message delivered in the database (Switchboard), or from the first HTTP request to the last submit (Kannel). */
  endToEndRate: number;
  cpuSeconds: number;
  rss: number;
  note: string;
}

// --- Switchboard -------------------------------------------------------------------------------------------------

async function switchboardRound(): Promise<Round> {
  const smsc = await startSmsc();
  const cwd = tempDir('switchboard-bench-smpp-');
  const config = writeCarrierConfig(cwd, { port: smsc.port, number: NUMBER, connection: 'bench', window: WINDOW });
  const migrated = await run(['migrate', '--config', config], { cwd });
  if (migrated.code !== 0) throw new Error(`migrate: ${migrated.stderr}`);
  const dbFile = join(cwd, 'data', 'switchboard.db');
  const conversations = seedConversations(dbFile);
  const server = start(['--config', config], { cwd, entry: BUNDLE });
  const db = new Database(dbFile);
  db.pragma('busy_timeout = 5000');
  try {
    await server.waitFor((l) => l.msg === 'SMPP connection bench bound');
    const pid = server.child.pid!;
    const delivered = db
      .prepare(`SELECT count(*) FROM messages WHERE direction = 'out' AND status = 'delivered'`)
      .pluck();
    queue(db, conversations, WARMUP);
    await waitUntil(() => delivered.get() === WARMUP, 'the warm-up delivered');
    await sleep(200);
    smsc.reset();
    const cpu0 = cpuSeconds(pid);
    queue(db, conversations, N);
    await waitUntil(() => delivered.get() === WARMUP + N, `${N} delivered`);
    const doneAt = Date.now();
    const cpu = cpuSeconds(pid) - cpu0;
    const rss = rssMb(pid);
    const statuses = db
      .prepare(`SELECT status || '=' || count(*) FROM messages WHERE direction = 'out' GROUP BY status`)
      .pluck()
      .all()
      .join(' ');
    const counts = await smsc.stop();
    const note = `at SMSC ${counts.submits}, receipts answered ${counts.receiptsAcked}/${counts.receiptsSent}, [${statuses}]`;
    // From the first submit: the rows were written by this process, so the server finds them by its once-a-second poll, not a wake-up.
    const endToEndRate = N / ((doneAt - counts.firstSubmitAt) / 1000);
    return {
      smscRate: (counts.submits - 1) / ((counts.lastSubmitAt - counts.firstSubmitAt) / 1000),
      endToEndRate,
      cpuSeconds: cpu,
      rss,
      note,
    };
  } finally {
    db.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await smsc.stop();
  }
}

/** One number, CONTACTS customers who wrote in: replies go to them in turn. */
function seedConversations(dbFile: string): number[] {
  const sqlite = openDatabase(dbFile);
  try {
    const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
    syncNumbers(ctx, [{ e164: NUMBER, smpp: 'bench', inbox: 'Support', registration: 'not-required', throughput: 0 }]);
    return Array.from({ length: CONTACTS }, (_, c) => {
      const r = receiveMessage(ctx, { from: `+1555700${String(c).padStart(4, '0')}`, to: NUMBER, text: 'hello' }, () =>
        keywordTextsOf(undefined),
      );
      if (!r.stored) throw new Error('the number is not set up');
      return r.conversationId;
    });
  } finally {
    sqlite.close();
  }
}

/** `count` replies queued at once, as the server's own queueReply writes them; its loop picks them up within a second. */
function queue(db: Database.Database, conversations: number[], count: number): void {
  const insert = db.prepare(
    `INSERT INTO messages (conversation_id, direction, body, status, next_attempt_at, created_at, updated_at) VALUES (?, 'out', ?, 'queued', ?, ?, ?)`,
  );
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      insert.run(conversations[i % conversations.length], `Thanks for writing, this is reply ${i}.`, now, now, now);
  })();
}

// --- Kannel ------------------------------------------------------------------------------------------------------

const KANNEL_PORTS = [13000, 13001, 13013];
const kannelInstalled = existsSync('/usr/sbin/bearerbox') && existsSync('/usr/sbin/smsbox');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

/** Kannel 1.4.5 as carriers' customers run it: spool store (every message on disk) and receipts (dlr-mask=3). */
async function kannelRound(): Promise<Round> {
  const smsc = await startSmsc();
  const dir = tempDir('switchboard-bench-kannel-');
  mkdirSync(join(dir, 'spool'));
  const conf = join(dir, 'kannel.conf');
  writeFileSync(
    conf,
    `group = core
admin-port = 13000
admin-password = bar
smsbox-port = 13001
log-level = 2
log-file = "${dir}/bb.log"
box-allow-ip = "127.0.0.1"
dlr-storage = internal
store-type = spool
store-location = "${dir}/spool"

group = smsc
smsc = smpp
smsc-id = bench
host = 127.0.0.1
port = ${smsc.port}
transceiver-mode = true
smsc-username = bench
smsc-password = bench
system-type = ""
enquire-link-interval = 30
max-pending-submits = ${WINDOW}
msg-id-type = 0x03

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = 13013
log-file = "${dir}/smsbox.log"
log-level = 2

group = sendsms-user
username = u
password = p

group = sms-service
keyword = default
catch-all = true
text = "auto-reply"
`,
  );
  const boxes: ChildProcess[] = [];
  try {
    boxes.push(spawn('/usr/sbin/bearerbox', ['-v', '2', conf], { stdio: 'ignore' }));
    await sleep(1_000);
    boxes.push(spawn('/usr/sbin/smsbox', ['-v', '2', conf], { stdio: 'ignore' }));
    await waitUntil(
      () =>
        spawnSync('curl', ['-s', 'http://127.0.0.1:13000/status.txt?password=bar'])
          .stdout.toString()
          .includes('online'),
      'Kannel online',
      20_000,
    );
    await sleep(1_000);
    const cpu0 = boxes.reduce((s, b) => s + cpuSeconds(b.pid!), 0);
    const t0 = Date.now();
    await push(N, 50);
    const counts = await (async () => {
      // The receipts Kannel answers are what it has taken in; wait for the last one.
      const deadline = Date.now() + ROUND_LIMIT_MS;
      for (;;) {
        await sleep(500);
        const status = spawnSync('curl', ['-s', 'http://127.0.0.1:13000/status.txt?password=bar']).stdout.toString();
        const dlrs = Number(/DLR: received (\d+)/.exec(status)?.[1] ?? 0);
        if (dlrs >= N || Date.now() > deadline) return smsc.stop();
      }
    })();
    const cpu = boxes.reduce((s, b) => s + cpuSeconds(b.pid!), 0) - cpu0;
    const rss = boxes.reduce((s, b) => s + rssMb(b.pid!), 0);
    const note = `at SMSC ${counts.submits}, receipts answered ${counts.receiptsAcked}/${counts.receiptsSent}`;
    const lastAt = Math.max(counts.lastSubmitAt, t0);
    return {
      smscRate: (counts.submits - 1) / ((counts.lastSubmitAt - counts.firstSubmitAt) / 1000),
      endToEndRate: counts.submits / ((lastAt - t0) / 1000),
      cpuSeconds: cpu,
      rss,
      note,
    };
  } finally {
    for (const b of boxes.reverse()) {
      const exited = new Promise((r) => b.once('exit', r));
      b.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000).then(() => b.kill('SIGKILL'))]);
    }
    await smsc.stop();
  }
}

/** sendsms over HTTP with `concurrency` keep-alive connections, as ../shared/bench/kannel/push.cjs does. */
function push(count: number, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const one = (): void => {
      if (next >= count) return;
      const i = next++;
      const path = `/cgi-bin/sendsms?username=u&password=p&from=1234&to=4477${String(i).padStart(8, '0')}&text=bench+message+${i}&dlr-mask=3`;
      get({ host: '127.0.0.1', port: 13013, path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 202 && res.statusCode !== 200)
            return reject(new Error(`sendsms: HTTP ${res.statusCode}`));
          if (++done === count) {
            agent.destroy();
            resolve();
          } else one();
        });
      }).on('error', reject);
    };
    for (let k = 0; k < concurrency; k++) one();
  });
}

// --- the bare client ---------------------------------------------------------------------------------------------

async function bareRound(): Promise<Round> {
  const smsc = await startSmsc();
  let resolveBound!: () => void;
  const bound = new Promise<void>((r) => (resolveBound = r));
  const onState = (s: ConnectionState) => s.status === 'bound' && resolveBound();
  const connection = createSmppConnection(
    {
      name: 'bare',
      host: '127.0.0.1',
      port: smsc.port,
      tls: false,
      systemId: 'bench',
      password: 'bench',
      bind: 'transceiver',
      window: WINDOW,
      throughput: 0,
      enquireLinkS: 30,
      receiptId: 'same',
    },
    { log, onDeliver: () => {}, onState },
  );
  try {
    connection.start();
    await bound;
    const shortMessage = encodeForSubmit('Thanks for writing, this is reply 0.', 0).parts[0]!;
    const submit = () =>
      connection.submit({
        sourceAddr: NUMBER,
        destAddr: '+15557000001',
        dataCoding: 0,
        esmClass: 0,
        shortMessage,
        registeredDelivery: true,
      });
    await Promise.all(Array.from({ length: WARMUP }, submit));
    smsc.reset();
    await sleep(100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const outcomes = await Promise.all(Array.from({ length: N }, submit));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const counts = await smsc.stop();
    return {
      smscRate: (counts.submits - 1) / ((counts.lastSubmitAt - counts.firstSubmitAt) / 1000),
      endToEndRate: outcomes.filter((o) => o.ok).length / (ms / 1000),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rss: process.memoryUsage().rss / 1048576,
      note: `receipts answered by nobody's database: ${counts.receiptsAcked}/${counts.receiptsSent}`,
    };
  } finally {
    await connection.stop();
    await smsc.stop();
  }
}

// --- the run -----------------------------------------------------------------------------------------------------

const withKannel =
  process.env.KANNEL !== '0' && kannelInstalled && (await Promise.all(KANNEL_PORTS.map(portFree))).every(Boolean);
console.log(machine());
console.log(
  `outbound with receipts: N=${N} per round, window ${WINDOW}, throughput unlimited, ${ROUNDS} rounds${withKannel ? ', Kannel interleaved' : ' (Kannel not installed or its ports busy: skipped)'}`,
);
const results: Record<'switchboard' | 'kannel' | 'bare', Round[]> = { switchboard: [], kannel: [], bare: [] };
const show = (who: string, r: Round) =>
  console.log(
    `  ${who.padEnd(11)} SMSC rate ${fmt(r.smscRate).padStart(6)}/s  end to end ${fmt(r.endToEndRate).padStart(6)}/s  ` +
      `CPU ${((r.cpuSeconds * 1e6) / N).toFixed(0)} µs/msg  RSS ${r.rss.toFixed(0)} MB  ${r.note}`,
  );
for (let round = 1; round <= ROUNDS; round++) {
  // Interleaved, alternating who goes first: the machine's other load falls on both alike.
  const order = withKannel
    ? round % 2
      ? (['kannel', 'switchboard'] as const)
      : (['switchboard', 'kannel'] as const)
    : (['switchboard'] as const);
  for (const who of order) {
    const r = who === 'kannel' ? await kannelRound() : await switchboardRound();
    results[who].push(r);
    show(who, r);
  }
}
const bare = await bareRound();
results.bare.push(bare);
show('bare client', bare);

const sb = median(results.switchboard.map((r) => r.endToEndRate));
const sbSmsc = median(results.switchboard.map((r) => r.smscRate));
const kannel = withKannel ? median(results.kannel.map((r) => r.smscRate)) : NaN;
console.log(
  `SUMMARY smpp: Switchboard queued→delivered median ${fmt(sb)} msg/s (SMSC rate ${fmt(sbSmsc)}/s, RSS after ${WARMUP + N} sends ` +
    `${median(results.switchboard.map((r) => r.rss)).toFixed(0)} MB)` +
    (withKannel ? `; Kannel spool+DLR ${fmt(kannel)} msg/s → ${(sbSmsc / kannel).toFixed(2)} × Kannel` : '') +
    `; bare client ${fmt(bare.smscRate)}/s; ${machine()}`,
);
