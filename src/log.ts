import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** JSON lines for machines; readable lines when a person watches the terminal. */
export function createLogger(level: string): Logger {
  const options = {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'password', '*.password'], censor: '[redacted]' },
  };
  if (process.stdout.isTTY) return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  return pino(options);
}
