import pino, { type Logger } from 'pino';

/** A password-reset link is a key to an account for an hour: its token stays out of the request log. */
export const withoutSecrets = (url: string): string => url.replace(/^\/reset\/[^/?#]+/, '/reset/[redacted]');

/** Fastify's request fields, with the URL as `withoutSecrets` leaves it. */
const requestSerializer = (req: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) => ({
  method: req.method,
  url: withoutSecrets(req.url),
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

export const loggerOptions = (level: string) => ({
  level,
  redact: {
    paths: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'password', '*.password'],
    censor: '[redacted]',
  },
  serializers: { req: requestSerializer },
});

/** JSON lines for machines; readable lines when a person watches the terminal. */
export async function createLogger(level: string): Promise<Logger> {
  const options = loggerOptions(level);
  if (!process.stdout.isTTY) return pino(options);
  // Loaded only for a terminal: a service's stdout is a pipe or the journal, which get JSON.
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
}
