import type { Config } from './schema.ts';

/** The running configuration; a reload (SIGHUP) swaps `current`, so readers look it up when they need it. */
export interface ConfigStore {
  current: Config;
  /** Where it came from, for messages. */
  file: string | undefined;
}
