import { SANDBOX } from '../config/sandbox.ts';
import type { Config } from '../config/schema.ts';

/**
 * Whether admins are told to set server.public_url: a configured number texts real phones (any number but the
 * running sandbox's), and without it no link can be texted to them (src/domain/messaging/links.ts).
 */
export function publicUrlMissing(config: Config, sandboxRunning: boolean): boolean {
  return !config.server.public_url && config.number.some((n) => !(sandboxRunning && n.smpp === SANDBOX.name));
}
