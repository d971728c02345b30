import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `serve` says which process it is, for `switchboard reload`. */
export const pidFileOf = (dataDir: string): string => join(dataDir, 'switchboard.pid');

/** Where the server writes the outcome of its latest reload, for the `reload` command to print. */
export const reloadResultFileOf = (dataDir: string): string => join(dataDir, 'switchboard.reload.json');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type PidFileState = { kind: 'none' } | { kind: 'running'; pid: number } | { kind: 'stale'; pid: number | null };

/** What the data folder's pid file says: no server, a running one, or one left behind by a process that is gone. */
export function readPidFile(dataDir: string): PidFileState {
  let text: string;
  try {
    text = readFileSync(pidFileOf(dataDir), 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw err;
  }
  const pid = /^\d+$/.test(text) ? Number(text) : null;
  return pid !== null && pid > 0 && isRunning(pid) ? { kind: 'running', pid } : { kind: 'stale', pid };
}

/** Written at start; a stale file (a crash, `kill -9`) is replaced. Returns what was there before. */
export function writePidFile(dataDir: string): PidFileState {
  const before = readPidFile(dataDir);
  writeFileSync(pidFileOf(dataDir), `${process.pid}\n`);
  return before;
}

/** Removed at stop, unless another server has written its own since. */
export function removePidFile(dataDir: string): void {
  const state = readPidFile(dataDir);
  if (state.kind === 'running' && state.pid === process.pid) rmSync(pidFileOf(dataDir), { force: true });
}

export interface ReloadRecord {
  pid: number;
  at: number;
  ok: boolean;
  message: string;
}

export function writeReloadResult(dataDir: string, result: { ok: boolean; message: string }): void {
  const record: ReloadRecord = { pid: process.pid, at: Date.now(), ...result };
  writeFileSync(reloadResultFileOf(dataDir), `${JSON.stringify(record)}\n`);
}

export function readReloadResult(dataDir: string): ReloadRecord | null {
  try {
    return JSON.parse(readFileSync(reloadResultFileOf(dataDir), 'utf8')) as ReloadRecord;
  } catch {
    return null;
  }
}
