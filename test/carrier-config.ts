import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CarrierConfig {
  /** The SMSC's port on 127.0.0.1. */
  port: number;
  /** The shared number, in the inbox "Support". */
  number: string;
  connection?: string;
  systemId?: string;
  password?: string;
  /** Submits in flight; the connection's throughput is unlimited. */
  window?: number;
  registration?: 'registered' | 'not-required';
  logLevel?: string;
}

/**
 * Writes `switchboard.toml` into `dir` for a server whose data lives in `dir/data`, with one carrier connection
 * and one number on it: what the benches and the process tests start. Returns the file's path.
 */
export function writeCarrierConfig(dir: string, c: CarrierConfig): string {
  const connection = c.connection ?? 'carrier';
  const file = join(dir, 'switchboard.toml');
  writeFileSync(
    file,
    [
      '[server]',
      'data_dir = "data"',
      ...(c.logLevel ? ['[log]', `level = "${c.logLevel}"`] : []),
      '[[smpp]]',
      `name = "${connection}"`,
      'host = "127.0.0.1"',
      `port = ${c.port}`,
      `system_id = "${c.systemId ?? 'bench'}"`,
      `password = "${c.password ?? 'bench'}"`,
      ...(c.window !== undefined ? [`window = ${c.window}`, 'throughput = 0'] : []),
      '[[number]]',
      `e164 = "${c.number}"`,
      `smpp = "${connection}"`,
      'inbox = "Support"',
      `registration = "${c.registration ?? 'not-required'}"`,
      '',
    ].join('\n'),
  );
  return file;
}
