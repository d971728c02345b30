import type { Logger } from 'pino';
import type { DomainContext } from '../domain/context.ts';
import { claimDue, markFailed, markRetry, markSent, postpone, type DueMessage } from '../domain/messaging/delivery.ts';
import { toPlainText } from '../formatting/markdown.ts';
import type { MediaStore } from '../domain/media/store.ts';
import { createPacer } from './pacer.ts';
import type { Channel, OutboundText } from './types.ts';

export interface OutboxLoopOptions {
  /** Messages handed to channels at once, across all of them. */
  concurrency: number;
  /** How long a claimed message stays leased; longer than a submit can take (queue + response time-outs). */
  leaseMs: number;
  /** Attempts before a message that keeps getting transient refusals is given up. */
  maxAttempts: number;
}

const DEFAULTS: OutboxLoopOptions = { concurrency: 200, leaseMs: 120_000, maxAttempts: 8 };
const IDLE_POLL_MS = 1_000;

/** Neither SMS nor MMS has formatting: the agent's Markdown goes as plain text, links as URLs, the files' link last. */
function outboundOf(m: DueMessage, media: MediaStore | undefined): OutboundText {
  const text = [toPlainText(m.body), m.link].filter(Boolean).join('\n');
  if (m.files.length > 0 && !media) throw new Error('files to send, but no media store');
  const files = m.files.map((f) => ({ path: media!.pathOf(f.sha256), contentType: f.contentType, filename: f.filename, size: f.size }));
  return { from: m.from, to: m.to, text, files };
}

/** Retry after 5 s, 10 s, 20 s … capped at 10 minutes. */
export const retryDelayMs = (attempts: number): number => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));

/**
 * Moves queued messages from the database to their channels: claims (leases) a batch, sends each,
 * records the outcome. Woken by `wake()` when something was queued; polls once a second otherwise
 * (retries come due, leases of a crashed run expire).
 */
export function createOutboxLoop(
  domain: DomainContext,
  channels: Map<string, Channel>,
  log: Logger,
  options: Partial<OutboxLoopOptions> & { numberRate?: (e164: string) => number; media?: MediaStore } = {},
) {
  const opts = { ...DEFAULTS, ...options };
  const { media } = options;
  const pacer = createPacer(options.numberRate ?? (() => 0), domain.now);
  let running = false;
  let inFlight = 0;
  let wakeUp: (() => void) | null = null;
  let done: Promise<void> = Promise.resolve();
  const settled = new Set<Promise<void>>();

  async function deliver(m: DueMessage): Promise<void> {
    const channel = channels.get(m.connection);
    if (!channel) return markFailed(domain, m, 'no-connection', `no [[smpp]] or [[mm7]] connection named "${m.connection}" is configured`);
    const wait = pacer.reserve(m.from);
    // A wait longer than the lease could let another claim take the message meanwhile: hand it back instead.
    if (wait > opts.leaseMs / 4) {
      pacer.release(m.from);
      return postpone(domain, m, domain.now() + wait);
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const outcome = await channel.send(outboundOf(m, media));
    if (outcome.ok) return markSent(domain, m, outcome.carrierIds);
    if (outcome.retry && m.attempts < opts.maxAttempts) return markRetry(domain, m, domain.now() + retryDelayMs(m.attempts), outcome.code, outcome.reason);
    markFailed(domain, m, outcome.code, outcome.reason);
  }

  function launch(m: DueMessage): void {
    inFlight += 1;
    const p = deliver(m)
      .catch((err: unknown) => log.error({ err, messageId: m.messageId }, 'sending failed; the lease will bring it back'))
      .finally(() => {
        inFlight -= 1;
        settled.delete(p);
        wakeUp?.();
      });
    settled.add(p);
  }

  async function run(): Promise<void> {
    while (running) {
      const room = opts.concurrency - inFlight;
      const batch = room > 0 ? claimDue(domain, room, opts.leaseMs) : [];
      for (const m of batch) launch(m);
      if (batch.length === 0 || inFlight >= opts.concurrency) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          wakeUp = () => {
            clearTimeout(timer);
            wakeUp = null;
            resolve();
          };
        });
      }
    }
  }

  return {
    start(): void {
      running = true;
      done = run();
    },
    wake(): void {
      wakeUp?.();
    },
    /** Stops claiming; sends in flight finish (their outcome is recorded) before this resolves. */
    async stop(): Promise<void> {
      running = false;
      wakeUp?.();
      await done;
      await Promise.all(settled);
    },
  };
}
