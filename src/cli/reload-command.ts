import { setTimeout as sleep } from 'node:timers/promises';
import { pidFileOf, readPidFile, readReloadResult } from './pid-file.ts';
import type { Settings } from './settings.ts';

/** Long enough for a changed connection to finish its sends in flight and unbind before it binds again. */
const ANSWER_WITHIN_MS = 60_000;

export class ReloadError extends Error {}

/**
 * Sends SIGHUP to the server running on the data folder and waits for what it made of it. The file was validated
 * already (resolveSettings), so a broken one never reaches the server.
 */
export async function signalReload(
  settings: Settings,
  out: (line: string) => void,
  waitMs = ANSWER_WITHIN_MS,
): Promise<boolean> {
  const state = readPidFile(settings.dataDir);
  if (state.kind === 'none')
    throw new ReloadError(`no server is running on ${settings.dataDir}: there is no ${pidFileOf(settings.dataDir)}`);
  if (state.kind === 'stale') {
    throw new ReloadError(
      `no server is running on ${settings.dataDir}: ${pidFileOf(settings.dataDir)} names process ${state.pid ?? '(unreadable)'}, which is gone (a crash or kill -9 left it)`,
    );
  }
  const sentAt = Date.now();
  process.kill(state.pid, 'SIGHUP');
  out(`sent SIGHUP to the server (pid ${state.pid})`);
  const deadline = sentAt + waitMs;
  while (Date.now() < deadline) {
    const result = readReloadResult(settings.dataDir);
    if (result && result.pid === state.pid && result.at >= sentAt) {
      out(result.message);
      return result.ok;
    }
    await sleep(100);
  }
  throw new ReloadError(
    `the server (pid ${state.pid}) did not answer within ${waitMs / 1000} s; its log says what it did`,
  );
}
