import { z } from 'zod';

/** The one description of `switchboard.toml`: validation and the TypeScript type come from here. */
export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        data_dir: z.string().min(1).default('./data'),
        public_url: z.url().optional(),
        // false, true (trust every hop: only behind a proxy that overwrites X-Forwarded-For), a hop count, or addresses/CIDRs.
        trust_proxy: z.union([z.boolean(), z.number().int().min(1).max(10), z.string().min(1)]).default(false),
        body_limit_kb: z.number().int().min(16).max(65536).default(1024),
      })
      .prefault({}),
    auth: z
      .strictObject({
        session_idle_hours: z.number().positive().max(24 * 365).default(12),
        session_absolute_days: z.number().positive().max(365).default(30),
        login_attempts: z.number().int().min(1).max(100).default(5),
        login_window_minutes: z.number().int().min(1).max(1440).default(15),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    i18n: z
      .strictObject({
        default_locale: z.enum(['en', 'de']).default('en'),
      })
      .prefault({}),
  })
  .prefault({});

export type Config = z.infer<typeof configSchema>;
