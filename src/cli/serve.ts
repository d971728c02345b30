import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildApp } from '../app.ts';
import type { ConfigStore } from '../config/store.ts';
import { startMessaging } from '../channels/start.ts';
import { sweepMedia } from '../domain/media/store.ts';
import { openAndMigrate } from './database.ts';
import { removePidFile, writePidFile, writeReloadResult } from './pid-file.ts';
import { reloadConfiguration } from './reload.ts';
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

  // One reload at a time: a second SIGHUP waits for the first to finish, then reads the file again.
  let reloading: Promise<void> = Promise.resolve();
  process.on('SIGHUP', () => {
    reloading = reloading.then(async () => {
      const result = await reloadConfiguration({ configStore, messaging, log });
      writeReloadResult(settings.dataDir, result);
    }).catch((err: unknown) => log.error({ err }, 'configuration reload failed'));
  });
  // Only now: `switchboard reload` finds the process by this file, and before the handler a SIGHUP would end it.
  const previous = writePidFile(settings.dataDir);
  if (previous.kind === 'running' && previous.pid !== process.pid) log.warn({ pid: previous.pid, dataDir: settings.dataDir }, 'the pid file named another running process; replaced: is a second server using this data folder?');

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
      removePidFile(settings.dataDir);
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
