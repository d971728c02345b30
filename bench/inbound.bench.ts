import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createDb } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open.ts';
import { createSession } from '../src/domain/auth/sessions.ts';
import type { DomainContext } from '../src/domain/context.ts';
import { createEventBus } from '../src/domain/events.ts';
import { syncNumbers } from '../src/domain/numbers/sync.ts';
import { SESSION_COOKIE } from '../src/plugins/auth.ts';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile } from './stats.ts';
import { writeCarrierConfig } from '../test/carrier-config.ts';
import type { Burst } from './peers/mo-smsc.ts';

/**
 * Customers' texts reaching a team that watches: an SMSC in its own process delivers texts (deliver_sm) to the
 * real server (`switchboard serve`), whose agents each have a tab open on the inbox's list — a WebSocket to
 * /live exactly as the page opens it. Every frame every tab receives is read; a text counts as seen by a tab
 * when a frame carrying it, or a later text of the same customer (a list row shows the latest), arrives. Times
 * are process.hrtime, one clock across processes.
 *
 * 1. one tab, TEXTS_FAST texts at FAST per second from known customers;
 * 2. TABS tabs, texts at RATE per second from known customers, then from new ones (a new conversation each).
 *
 *   npm run bench inbound       environment: TABS=300 RATE=50 FAST=500 SECONDS=10
 */
const TABS = Number(process.env.TABS ?? 300);
const RATE = Number(process.env.RATE ?? 50);
const FAST = Number(process.env.FAST ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 10);
const CONTACTS = 100;
const GRACE_MS = 15_000;
const NUMBER = '+15550100300';
const PEER = fileURLToPath(new URL('./peers/mo-smsc.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): bigint => process.hrtime.bigint();

// --- the SMSC ----------------------------------------------------------------------------------------------------

const smsc = spawn(process.execPath, ['--import', 'tsx', PEER, '0', String(CONTACTS), NUMBER], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
smsc.stdin.on('error', () => {});
// However the bench ends (a failed wait throws), its peers end with it.
process.on('exit', () => smsc.kill('SIGKILL'));
let smscOut = '';
const bursts: Burst[] = [];
smsc.stdout.on('data', (d) => {
  smscOut += d;
  for (let nl = smscOut.indexOf('\n'); nl >= 0; nl = smscOut.indexOf('\n')) {
    const line = smscOut.slice(0, nl);
    smscOut = smscOut.slice(nl + 1);
    if (line.startsWith('{')) bursts.push(JSON.parse(line) as Burst);
    else smscLines.push(line);
  }
});
const smscLines: string[] = [];
async function smscSaid(word: string): Promise<string> {
  for (let i = 0; i < 2000; i++) {
    const line = smscLines.find((l) => l.startsWith(word));
    if (line) return line;
    await sleep(10);
  }
  throw new Error(`the SMSC never said ${word}`);
}
const smscPort = Number((await smscSaid('listening')).split(' ')[1]);

// --- the server and its team -------------------------------------------------------------------------------------

const cwd = tempDir('switchboard-bench-inbound-');
const config = writeCarrierConfig(cwd, { port: smscPort, number: NUMBER });
const password = 'a long enough password';
const added = await run(
  ['user', 'add', '--email', 'agent0@example.test', '--name', 'Agent 0', '--role', 'agent', '--config', config],
  { cwd, input: `${password}\n` },
);
if (added.code !== 0) throw new Error(`user add: ${added.stderr}`);
const sqlite = openDatabase(join(cwd, 'data', 'switchboard.db'));
const ctx: DomainContext = { db: createDb(sqlite), events: createEventBus(() => {}), now: Date.now };
const hash = sqlite.prepare('SELECT password_hash FROM users WHERE id = 1').pluck().get() as string;
const insertUser = sqlite.prepare(`INSERT INTO users (email, name, role, password_hash) VALUES (?, ?, 'agent', ?)`);
syncNumbers(ctx, [{ e164: NUMBER, smpp: 'carrier', inbox: 'Support', registration: 'not-required', throughput: 0 }]);
const inboxId = sqlite.prepare('SELECT inbox_id FROM numbers WHERE e164 = ?').pluck().get(NUMBER) as number;
sqlite.transaction(() => {
  for (let i = 1; i < TABS; i++) insertUser.run(`agent${i}@example.test`, `Agent ${i}`, hash);
  sqlite.prepare('INSERT INTO inbox_members (inbox_id, user_id) SELECT ?, id FROM users').run(inboxId);
})();
const cookies = (sqlite.prepare('SELECT id FROM users ORDER BY id').pluck().all() as number[]).map(
  (id) => `${SESSION_COOKIE}=${createSession(ctx, id).token}`,
);
sqlite.close();

const server = start(['--config', config], { cwd, entry: BUNDLE });
process.on('exit', () => server.child.kill('SIGKILL'));
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);
await smscSaid('bound');
const cpuSeconds = (): number => {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

// --- tabs --------------------------------------------------------------------------------------------------------

/** Each text's customer, and each customer's texts in order, as the SMSC sends them (see bench/peers/mo-smsc.ts). */
const customerOf = new Map<number, string>();
const textsOf = new Map<string, number[]>();
function planTexts(first: number, count: number, who: 'old' | 'new'): void {
  for (let i = first; i < first + count; i++) {
    const customer = who === 'new' ? `new ${i}` : `old ${i % CONTACTS}`;
    customerOf.set(i, customer);
    textsOf.set(customer, [...(textsOf.get(customer) ?? []), i]);
  }
}
let planned = 0;

interface Tab {
  socket: WebSocket;
  /** The texts each frame of the current burst carried, and when it arrived: pairs of text number and ms. */
  marks: number[];
  /** Per customer, the latest of their texts a frame has carried. */
  latest: Map<string, number>;
}
const tabs: Tab[] = [];
const MARK = Buffer.from('bench-mo-');
const START = now();
const ms = (ns: bigint): number => Number(ns - START) / 1e6;

/**
 * Reads a frame the way the bench can afford 15 000 times a second: the bytes are searched, not decoded, and what
 * each text was seen with is worked out after the burst. A client that parses HTML per frame falls behind the
 * server it measures (12 ms of its CPU per text with 300 tabs) and times itself.
 */
function read(tab: Tab, frame: Buffer, at: number): void {
  const inFrame: number[] = [];
  for (let k = frame.indexOf(MARK); k >= 0; k = frame.indexOf(MARK, k + MARK.length)) {
    let i = 0;
    let j = k + MARK.length;
    for (let c = frame[j]!; c >= 0x30 && c <= 0x39; c = frame[++j]!) i = i * 10 + c - 0x30;
    if (inFrame.includes(i)) continue;
    inFrame.push(i);
    tab.marks.push(i, at);
    const customer = customerOf.get(i);
    if (customer !== undefined && i > (tab.latest.get(customer) ?? -1)) tab.latest.set(customer, i);
  }
}

async function openTabs(count: number): Promise<void> {
  const host = new URL(base).host;
  await Promise.all(
    cookies.slice(tabs.length, count).map(
      (cookie) =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(`ws://${host}/live?path=${encodeURIComponent('/conversations')}`, {
            headers: { cookie, origin: base },
          });
          const tab: Tab = { socket, marks: [], latest: new Map() };
          socket.once('message', () => resolve());
          socket.on('message', (raw: Buffer) => read(tab, raw, ms(now())));
          socket.once('error', reject);
          tabs.push(tab);
        }),
    ),
  );
}

/**
 * When each of a burst's texts first showed in a tab, and how many of its frames carried it. A list shows a
 * conversation's latest text: a frame carrying a customer's text brings their earlier ones with it.
 */
function seenIn(tab: Tab, ids: number[]): { seen: Map<number, number>; frames: Map<number, number> } {
  const seen = new Map<number, number>();
  const frames = new Map<number, number>();
  const inBurst = new Set(ids);
  const next = new Map<string, number>();
  for (let m = 0; m < tab.marks.length; m += 2) {
    const i = tab.marks[m]!;
    const at = tab.marks[m + 1]!;
    if (!inBurst.has(i)) continue;
    frames.set(i, (frames.get(i) ?? 0) + 1);
    const customer = customerOf.get(i)!;
    const texts = textsOf.get(customer)!;
    let k = next.get(customer) ?? texts.findIndex((t) => inBurst.has(t));
    for (; k < texts.length && texts[k]! <= i; k++) if (!seen.has(texts[k]!)) seen.set(texts[k]!, at);
    next.set(customer, k);
  }
  return { seen, frames };
}

// --- bursts ------------------------------------------------------------------------------------------------------

interface Result {
  label: string;
  rate: number;
  toFragment: number[];
  toEveryTab: number[];
  resp: number[];
  missing: number;
  duplicates: number;
  refused: number;
  cpuMsPerText: number;
}

async function burst(label: string, rate: number, count: number, who: 'old' | 'new'): Promise<Result> {
  const before = bursts.length;
  const cpu0 = cpuSeconds();
  planTexts(planned, count, who);
  planned += count;
  for (const t of tabs) t.marks = [];
  smsc.stdin.write(`burst ${rate} ${count} ${who}\n`);
  for (let i = 0; bursts.length === before; i++) {
    if (i > (count / rate) * 100 + 6_000)
      throw new Error(`${label}: the SMSC's texts were not all answered within a minute after the last`);
    await sleep(10);
  }
  const b = bursts[before]!;
  const ids = Array.from({ length: count }, (_, k) => b.first + k);
  const lastOf = new Map(ids.map((i) => [customerOf.get(i)!, i]));
  const deadline = Date.now() + GRACE_MS;
  const allSeen = () => tabs.every((t) => [...lastOf].every(([customer, i]) => (t.latest.get(customer) ?? -1) >= i));
  while (Date.now() < deadline && !allSeen()) await sleep(20);
  const cpuMsPerText = ((cpuSeconds() - cpu0) * 1000) / count;
  const sentAt = (i: number) => ms(BigInt(b.sentAt[i - b.first]!));
  const toFragment: number[] = [];
  const toEveryTab: number[] = ids.map(() => 0);
  let missing = 0;
  let duplicates = 0;
  for (const t of tabs) {
    const { seen, frames } = seenIn(t, ids);
    t.marks = [];
    ids.forEach((i, k) => {
      const at = seen.get(i);
      if (at === undefined) {
        missing += 1;
        return;
      }
      const d = at - sentAt(i);
      toFragment.push(d);
      toEveryTab[k] = Math.max(toEveryTab[k]!, d);
      duplicates += Math.max(0, (frames.get(i) ?? 0) - 1);
    });
  }
  return { label, rate, toFragment, toEveryTab, resp: b.respMs, missing, duplicates, refused: b.refused, cpuMsPerText };
}

const p = (xs: number[], q: number): string =>
  percentile(
    [...xs].sort((a, b) => a - b),
    q,
  ).toFixed(1);
function show(r: Result): string {
  return (
    `${r.label}: text→fragment p50 ${p(r.toFragment, 50)} / p99 ${p(r.toFragment, 99)} ms, every tab p99 ${p(r.toEveryTab, 99)} ms, ` +
    `deliver_sm_resp p50 ${p(r.resp, 50)} / p99 ${p(r.resp, 99)} ms, server CPU ${r.cpuMsPerText.toFixed(1)} ms/text, ` +
    `missing ${r.missing}, duplicates ${r.duplicates}, refused ${r.refused}`
  );
}

console.log(machine());
await openTabs(1);
await burst('warm-up', 100, CONTACTS, 'old');
const fast = await burst(`1 tab, ${FAST} texts/s`, FAST, FAST * SECONDS, 'old');
console.log(show(fast));
await openTabs(TABS);
await burst('warm-up', RATE, RATE, 'old');
const known = await burst(`${TABS} tabs, ${RATE} texts/s, known customers`, RATE, RATE * SECONDS, 'old');
console.log(show(known));
const fresh = await burst(
  `${TABS} tabs, ${RATE} texts/s, new conversations`,
  RATE,
  Math.ceil((RATE * SECONDS) / 2),
  'new',
);
console.log(show(fresh));
console.log(
  `SUMMARY inbound: 1 tab @${FAST}/s p99 ${p(fast.toFragment, 99)} ms (resp p99 ${p(fast.resp, 99)} ms); ` +
    `${TABS} tabs @${RATE}/s p99 ${p(known.toFragment, 99)} ms known / ${p(fresh.toFragment, 99)} ms new (resp p99 ${p(known.resp, 99)} / ${p(fresh.resp, 99)} ms), ` +
    `CPU ${known.cpuMsPerText.toFixed(1)} / ${fresh.cpuMsPerText.toFixed(1)} ms/text, missing ${known.missing + fresh.missing + fast.missing}, ` +
    `duplicates ${known.duplicates + fresh.duplicates + fast.duplicates}; ${machine()}`,
);

for (const t of tabs) t.socket.close();
server.child.kill('SIGTERM');
await server.exited;
smsc.kill('SIGTERM');
