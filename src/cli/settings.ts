import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';

export interface Flags {
  config?: string;
  data?: string;
}

export interface Settings {
  configFile: string | undefined;
  config: Config;
  dataDir: string;
  dbFile: string;
  mediaDir: string;
  host: string;
  port: number;
}

export class UsageError extends Error {}

function envPort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535)
    throw new UsageError(`PORT must be a port number (0-65535), got "${raw}"`);
  return Number(raw);
}

/** Flags beat the environment, the environment beats the file, the file beats the defaults. */
export function resolveSettings(flags: Flags, env: NodeJS.ProcessEnv = process.env): Settings {
  const configFile = flags.config ?? (env.SWITCHBOARD_CONFIG || undefined);
  const config = loadConfig(configFile);
  const dataDir = resolve(flags.data ?? (env.SWITCHBOARD_DATA || config.server.data_dir));
  return {
    configFile,
    config,
    dataDir,
    dbFile: join(dataDir, 'switchboard.db'),
    mediaDir: join(dataDir, 'media'),
    host: env.HOST || config.server.host,
    port: envPort(env.PORT) ?? config.server.port,
  };
}
