import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Node's arguments that run the CLI from its TypeScript sources, as `npm run dev` does; test/bundle.test.ts runs the bundle. */
export const CLI = [
  '--import',
  import.meta.resolve('tsx'),
  fileURLToPath(new URL('../../src/main.ts', import.meta.url)),
];
/** The production entry (`npm run build`) with the flags production gives Node, which the benches measure: what users run. */
export const BUNDLE = [
  '--max-semi-space-size=8',
  fileURLToPath(new URL('../../dist/switchboard.mjs', import.meta.url)),
];

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a separate process. */
export function run(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Starts `serve` (from the sources, or with `entry: BUNDLE` the built bundle) and resolves once it logged that it
 * listens; log lines are JSON (stdout is not a terminal).
 */
export function start(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; entry?: string[] }) {
  const child: ChildProcess = spawn(process.execPath, [...(opts.entry ?? CLI), 'serve', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, PORT: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  child.stdout!.on('data', (d) => {
    buffer += d;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        for (const w of [...waiters]) {
          if (!w.match(parsed)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      } catch {
        stderr += line;
      }
    }
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (match: (l: Record<string, unknown>) => boolean, ms = 20_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const hit = lines.find(match);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`no such log line within ${ms} ms; stderr: ${stderr}`)), ms);
      waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
  return { child, lines, exited, waitFor, stderr: () => stderr };
}
