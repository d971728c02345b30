import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/processes.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile } from './stats.ts';

/**
 * Cold start of the server as an operator starts it: spawn → first 200 from /healthz, then the process's
 * resident memory. Every start is a fresh Node process with the built-in defaults (no configuration file:
 * the sandbox SMSC starts too), on a new data folder (the database is created and migrated) and on one
 * that is already migrated. Starts run one after another, never two at once, as a restart does.
 */
const RUNS = 10;
const POLL_MS = 5;
const root = fileURLToPath(new URL('..', import.meta.url));

interface Entry {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

function build(script: string, ...args: string[]): void {
  // Quiet unless it fails (postject warns harmlessly while it writes the binary).
  execFileSync(process.execPath, [join(root, 'scripts', script), ...args], { cwd: root, stdio: 'pipe' });
}

// Built from the current sources: the bundle where npm start and the Docker image take it, the binary aside.
const binaryDir = tempDir('switchboard-startup-bin-');
build('build.mjs');
build('build-binary.mjs', '--out', binaryDir);
const entries: Entry[] = [
  {
    label: 'node dist/switchboard.mjs',
    command: process.execPath,
    args: [join(root, 'dist', 'switchboard.mjs'), 'serve'],
    env: {},
  },
  // The binary unpacks its assets once per build, on the first (unmeasured) start.
  {
    label: 'binary',
    command: join(binaryDir, 'switchboard'),
    args: ['serve'],
    env: { TMPDIR: tempDir('switchboard-startup-cache-') },
  },
];

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** One start: milliseconds until /healthz answered 200 and the RSS at that moment; stopped with SIGTERM. */
async function startOnce(entry: Entry, dataDir: string): Promise<{ ms: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(entry.command, entry.args, {
    cwd: dataDir,
    // Nothing from this process's environment: NODE_OPTIONS would load tsx into the server too.
    env: { ...entry.env, HOST: '127.0.0.1', PORT: String(port), SWITCHBOARD_DATA: dataDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const url = `http://127.0.0.1:${port}/healthz`;
  while (!(await healthy(url))) {
    if (child.exitCode !== null) throw new Error(`${entry.label} exited ${child.exitCode}: ${stderr}`);
    if (performance.now() - started > 30_000) throw new Error(`${entry.label}: no /healthz 200 within 30 s: ${stderr}`);
    await delay(POLL_MS);
  }
  const ms = performance.now() - started;
  const rss = rssMb(child.pid!);
  child.kill('SIGTERM');
  const [code] = await exited;
  if (code !== 0) throw new Error(`${entry.label} stopped with ${code}: ${stderr}`);
  return { ms, rss };
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

// Each entry gets a migrated data folder (its first start, not measured); then the entries take turns, so a
// change in the machine's load touches them alike.
const results = entries.map((entry) => ({
  entry,
  migrated: tempDir('switchboard-startup-'),
  fresh: [] as number[],
  existing: [] as number[],
  rss: [] as number[],
}));
for (const r of results) await startOnce(r.entry, r.migrated);
for (let i = 0; i < RUNS; i++) {
  for (const r of results) {
    r.fresh.push((await startOnce(r.entry, tempDir('switchboard-startup-'))).ms);
    const again = await startOnce(r.entry, r.migrated);
    r.existing.push(again.ms);
    r.rss.push(again.rss);
  }
}
const parts = results.map(
  (r) =>
    `${r.entry.label}: new data ${median(r.fresh).toFixed(0)} ms, existing ${median(r.existing).toFixed(0)} ms, RSS ${median(r.rss).toFixed(0)} MB`,
);
console.log(`startup to /healthz 200, medians of ${RUNS}: ${parts.join(' | ')} (goal 700 ms, 100 MB); ${machine()}`);
