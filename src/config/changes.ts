import type { Config } from './schema.ts';

/**
 * Keys the running process took at start and cannot take again: the listening socket, the data folder, fastify's
 * own options (bodies, proxies) and the sandbox SMSC. A reload keeps their running values until a restart.
 */
const AT_START = [
  'server.host',
  'server.port',
  'server.data_dir',
  'server.trust_proxy',
  'server.body_limit_kb',
  'sandbox.enabled',
  'sandbox.port',
] as const;

/** The blocks a reload applies by reconnecting and syncing, not by looking the value up again. */
const BLOCKS = new Set(['smpp', 'mm7', 'whatsapp', 'number']);

function leaves(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, path ? `${path}.${key}` : key, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

/** The keys (`auth.session_idle_hours`) whose values differ, the [[…]] blocks left out. */
function changedKeys(running: Config, next: Config): string[] {
  const before = leaves(running, '', new Map());
  const after = leaves(next, '', new Map());
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => !BLOCKS.has(k.split('.')[0]!) && before.get(k) !== after.get(k)).sort();
}

export interface ConfigChanges {
  /** What the process runs with from now on: the new file, but the at-start keys as they are. */
  effective: Config;
  /** Keys that took effect now (other than [[smpp]], [[mm7]], [[whatsapp]], [[number]]). */
  applied: string[];
  /** Keys changed in the file that only a restart applies. */
  restartNeeded: string[];
}

/**
 * Everything read per request (auth, i18n, contacts, media, backup, texts, server.public_url …) applies by swapping
 * the configuration. Switching server.public_url between http and https also turns HSTS on or off, which helmet
 * set at start: that part waits for a restart, so it is named.
 */
export function configChanges(running: Config, next: Config): ConfigChanges {
  const changed = changedKeys(running, next);
  const atStart = new Set<string>(AT_START);
  const restartNeeded = changed.filter((k) => atStart.has(k));
  const https = (c: Config) => c.server.public_url?.startsWith('https:') ?? false;
  if (https(running) !== https(next)) restartNeeded.push('server.public_url (HSTS)');
  const effective: Config = {
    ...next,
    server: {
      ...next.server,
      host: running.server.host,
      port: running.server.port,
      data_dir: running.server.data_dir,
      trust_proxy: running.server.trust_proxy,
      body_limit_kb: running.server.body_limit_kb,
    },
    sandbox: running.sandbox,
  };
  return { effective, applied: changed.filter((k) => !atStart.has(k)), restartNeeded };
}
