import pino, { type Logger } from 'pino';

/** JSON lines for machines; readable lines when a person watches the terminal. */
export async function createLogger(level: string): Promise<Logger> {
  const options = {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'password', '*.password'], censor: '[redacted]' },
  };
  if (!process.stdout.isTTY) return pino(options);
  // Loaded only for a terminal: a service's stdout is a pipe or the journal, which get JSON.
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
}
