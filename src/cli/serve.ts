import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import type { ConfigStore } from '../config/store.ts';
import { startMessaging } from '../channels/start.ts';
import { sweepMedia } from '../domain/media/store.ts';
import { openAndMigrate } from './database.ts';
import type { Settings } from './settings.ts';

/** A wildcard address is no place to point a browser at; this machine is. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export async function serve(settings: Settings, log: Logger): Promise<void> {
  const sqlite = await openAndMigrate(settings.dbFile, log);
  const configStore: ConfigStore = { current: settings.config, file: settings.configFile };
  const app = await buildApp({ configStore, sqlite, logger: log, mediaDir: join(settings.dataDir, 'media'), devViews: process.env.SWITCHBOARD_DEV === '1' });
  const swept = sweepMedia(app.domain, app.media);
  if (swept.removed) log.warn(swept, 'removed files left over from uploads a crash cut off');
  const messaging = await startMessaging(app, settings.configFile, log);
  await app.listen({ host: settings.host, port: settings.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const base = settings.config.server.public_url?.replace(/\/$/, '') ?? `http://${linkHost(settings.host)}:${port}`;
  log.info({ url: base, database: settings.dbFile }, 'Switchboard is listening');
  if (app.setup.token) log.warn(`No users yet. Create the first admin at ${base}/setup?token=${app.setup.token}`);

  process.on('SIGHUP', () => {
    try {
      configStore.current = loadConfig(configStore.file);
      log.info({ file: configStore.file ?? '(defaults)' }, 'configuration reloaded');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'configuration reload failed; keeping the running configuration');
    }
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await app.close();
      await messaging.stop();
      sqlite.close();
      log.info('stopped cleanly');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
