import type { Logger } from 'pino';
import type { Messaging } from '../channels/start.ts';
import { configChanges } from '../config/changes.ts';
import { loadConfig } from '../config/load.ts';
import type { ConfigStore } from '../config/store.ts';
import type { DomainContext } from '../domain/context.ts';
import { recordAuditAlone } from '../domain/audit/record.ts';

export interface ReloadResult {
  ok: boolean;
  /** The log line: what changed, what waits for a restart, or why nothing did. */
  message: string;
}

const names = (list: string[]) => (list.length ? list.join(', ') : 'none');

/**
 * Reads the configuration file again and applies it: settings read per request at once (the store is swapped),
 * the log level, connections and numbers through messaging. An invalid file, or a connection whose secret is
 * missing, changes nothing.
 */
export async function reloadConfiguration(deps: {
  configStore: ConfigStore;
  messaging: Messaging;
  log: Logger;
  domain: DomainContext;
}): Promise<ReloadResult> {
  const { configStore, messaging, log, domain } = deps;
  const file = configStore.file ?? '(defaults)';
  const refuse = (err: unknown): ReloadResult => {
    const message = `configuration reload failed; keeping the running configuration: ${(err as Error).message}`;
    log.error({ file }, message);
    return { ok: false, message };
  };
  const running = configStore.current;
  let changes;
  try {
    changes = configChanges(running, loadConfig(configStore.file));
  } catch (err) {
    return refuse(err);
  }
  configStore.current = changes.effective;
  let channels;
  try {
    channels = await messaging.apply(changes.effective);
  } catch (err) {
    configStore.current = running;
    return refuse(err);
  }
  // Before the line below, so that it already obeys the new level.
  log.level = changes.effective.log.level;
  const parts = [
    `connections added: ${names(channels.added)}; rebound: ${names(channels.rebound)}; removed: ${names(channels.removed)}`,
    `numbers: +${channels.numbersAdded.length} −${channels.numbersRemoved.length}${channels.numbersChanged.length ? `, changed: ${channels.numbersChanged.join(', ')}` : ''}`,
  ];
  if (changes.applied.length) parts.push(`settings: ${changes.applied.join(', ')}`);
  if (changes.restartNeeded.length) parts.push(`restart needed for ${changes.restartNeeded.join(', ')}`);
  const message = `configuration reloaded; ${parts.join('; ')}`;
  log.info({ file, ...channels, settings: changes.applied, restartNeeded: changes.restartNeeded }, message);
  // The operator's act (a signal or `switchboard reload`), recorded with what it changed.
  recordAuditAlone(domain, 'console', {
    action: 'config.reloaded',
    subject: { name: file },
    changes: Object.fromEntries(
      Object.entries({
        connections_added: channels.added,
        connections_rebound: channels.rebound,
        connections_removed: channels.removed,
        numbers_added: channels.numbersAdded,
        numbers_removed: channels.numbersRemoved,
        numbers_changed: channels.numbersChanged,
        settings: changes.applied,
        restart_needed: changes.restartNeeded,
      }).filter(([, list]) => list.length > 0),
    ),
  });
  return { ok: true, message };
}
