import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUNDLE, run, start } from '../test/cli/run.ts';
import { tempDir } from '../test/tmp.ts';
import { machine, percentile, summary } from './stats.ts';

/**
 * The real server process (`switchboard serve`), loaded over loopback HTTP with keep-alive:
 * latency of the pages every user hits, and the server's resident memory after boot and after the load.
 */
const N = 2000;
const cwd = tempDir('switchboard-bench-');
const password = 'a long enough password';
await run(['user', 'add', '--email', 'agent@example.test', '--name', 'Agent', '--role', 'admin'], {
  cwd,
  input: `${password}\n`,
});
const server = start([], { cwd, env: { SWITCHBOARD_DATA: join(cwd, 'data') }, entry: BUNDLE });
const base = String((await server.waitFor((l) => l.msg === 'Switchboard is listening')).url);
const rss = (): string =>
  `${(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024).toFixed(1)} MiB`;
const rssAtBoot = rss();

const login = await fetch(`${base}/login`);
const preCookie = login.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
const signIn = await fetch(`${base}/login`, {
  method: 'POST',
  redirect: 'manual',
  headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: csrf, email: 'agent@example.test', password }),
});
const cookie = signIn.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');

async function measure(label: string, path: string, headers: Record<string, string> = {}): Promise<void> {
  const get = async () => {
    const res = await fetch(`${base}${path}`, { headers: { cookie, ...headers } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  };
  for (let i = 0; i < 200; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await get();
    times.push(performance.now() - t0);
  }
  console.log(summary(label, times));
  const sorted = times.sort((a, b) => a - b);
  results.push(`${label} p50 ${percentile(sorted, 50).toFixed(1)} / p95 ${percentile(sorted, 95).toFixed(1)} ms`);
}
const results: string[] = [];

console.log(machine());
await measure('GET /healthz', '/healthz');
await measure('GET / (signed in)', '/');
await measure('GET /admin/users (htmx fragment)', '/admin/users', { 'hx-request': 'true' });
await measure('GET /settings', '/settings');
const rssAfter = rss();
console.log(`server RSS: ${rssAtBoot} after boot, ${rssAfter} after ${4 * (N + 200)} requests`);
console.log(
  `summary http-pages: ${results.join('; ')}; RSS ${rssAtBoot} after boot, ${rssAfter} after the requests; ${machine()}`,
);
server.child.kill('SIGTERM');
await server.exited;
