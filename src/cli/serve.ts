import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from '../app.ts';
import type { ConfigStore } from '../config/store.ts';
import { startMessaging, type Messaging } from '../channels/start.ts';
import { sweepMedia } from '../domain/media/store.ts';
import { openAndMigrate } from './database.ts';
import { listenProblem, preflight, StartupError } from './preflight.ts';
import { removePidFile, writePidFile, writeReloadResult } from './pid-file.ts';
import { reloadConfiguration } from './reload.ts';
import type { Settings } from './settings.ts';

/** A wildcard address is no place to point a browser at; this machine is. */
function linkHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Opens the database; SQLite's own error names neither the file nor what to do. */
async function openDatabaseAt(settings: Settings, log: Logger) {
  try {
    return await openAndMigrate(settings.dbFile, log);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
      throw new StartupError(
        `cannot open the database ${settings.dbFile} (${code}); check its owner and permissions, or set server.data_dir / SWITCHBOARD_DATA / --data`,
      );
    }
    throw err;
  }
}

/**
 * The order makes every failure cheap: checks that write nothing (secrets, the port) come first, then the data
 * folder, the database, and listening; the channels start last, so a failed start has no SMSC binds or sends to undo.
 */
export async function serve(settings: Settings, log: Logger): Promise<void> {
  await preflight(settings);
  const sqlite = await openDatabaseAt(settings, log);
  const configStore: ConfigStore = { current: settings.config, file: settings.configFile };
  let app: FastifyInstance | undefined;
  let messaging: Messaging | undefined;
  try {
    app = await buildApp({
      configStore,
      sqlite,
      logger: log,
      mediaDir: join(settings.dataDir, 'media'),
      devViews: process.env.SWITCHBOARD_DEV === '1',
    });
    const swept = sweepMedia(app.domain, app.media);
    if (swept.removed) log.warn(swept, 'removed files left over from uploads a crash cut off');
    // The probe passed, but another process may have taken the port since.
    await app.listen({ host: settings.host, port: settings.port }).catch((err: NodeJS.ErrnoException) => {
      throw listenProblem(err, settings.host, settings.port);
    });
    messaging = await startMessaging(app, settings.configFile, log);
  } catch (err) {
    await app?.close();
    sqlite.close();
    throw err;
  }
  const running = { app, messaging };
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const base = settings.config.server.public_url?.replace(/\/$/, '') ?? `http://${linkHost(settings.host)}:${port}`;
  log.info({ url: base, database: settings.dbFile }, 'Switchboard is listening');
  if (app.setup.token) log.warn(`No users yet. Create the first admin at ${base}/setup?token=${app.setup.token}`);

  // One reload at a time: a second SIGHUP waits for the first to finish, then reads the file again.
  let reloading: Promise<void> = Promise.resolve();
  process.on('SIGHUP', () => {
    reloading = reloading
      .then(async () => {
        const result = await reloadConfiguration({
          configStore,
          messaging: running.messaging,
          log,
          domain: running.app.domain,
        });
        writeReloadResult(settings.dataDir, result);
      })
      .catch((err: unknown) => log.error({ err }, 'configuration reload failed'));
  });
  // Only now: `switchboard reload` finds the process by this file, and before the handler a SIGHUP would end it.
  const previous = writePidFile(settings.dataDir);
  if (previous.kind === 'running' && previous.pid !== process.pid)
    log.warn(
      { pid: previous.pid, dataDir: settings.dataDir },
      'the pid file named another running process; replaced: is a second server using this data folder?',
    );

  let stopping = false;
  const stop = async (signal: string, code: 0 | 1) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await running.app.close();
      await running.messaging.stop();
      sqlite.close();
      removePidFile(settings.dataDir);
      log.info('stopped cleanly');
      process.exit(code);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGINT', () => void stop('SIGINT', 0));
  // Without its web server the process is of no use, though channels would keep it alive: stop, so a supervisor restarts it.
  app.server.on('error', (err) => {
    log.fatal({ err }, 'the HTTP server failed; stopping');
    void stop('server error', 1);
  });
}
