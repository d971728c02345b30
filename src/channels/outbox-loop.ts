import type { Logger } from 'pino';
import type { DomainContext } from '../domain/context.ts';
import { writeDeliveries, type DeliveryChange, type DueMessage } from '../domain/messaging/delivery.ts';
import { toPlainText } from '../formatting/markdown.ts';
import type { MediaStore } from '../domain/media/store.ts';
import type { GroupCommit } from '../domain/group-commit.ts';
import { createPacer } from './pacer.ts';
import { capabilitiesOf } from '../domain/messaging/capabilities.ts';
import type { Channel, MessagingReport, OutboundText } from './types.ts';
import { carrierPauseOf } from '../domain/campaigns/carrier.ts';
import type { CampaignSettings } from '../domain/campaigns/settings.ts';

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

/**
 * What the channel is asked to send, as the number's kind can carry it. Neither SMS nor MMS has formatting: the
 * agent's Markdown goes as plain text, links as URLs, the files' link last. WhatsApp gets the Markdown as written
 * (the channel turns it into its own markup) and what else it can carry: quote, template, reaction.
 */
function outboundOf(m: DueMessage, media: MediaStore | undefined): OutboundText {
  const caps = capabilitiesOf(m.kind);
  const text = [caps.formatting ? m.body : toPlainText(m.body), m.link].filter(Boolean).join('\n');
  if (m.files.length > 0 && !media) throw new Error('files to send, but no media store');
  const files = m.files.map((f) => ({
    path: media!.pathOf(f.sha256),
    contentType: f.contentType,
    filename: f.filename,
    size: f.size,
  }));
  const base = { from: m.from, to: m.to, text, files };
  if (m.kind === 'sms') return base;
  return {
    ...base,
    ...(m.toId === null ? {} : { toId: m.toId }),
    ...(m.replyTo !== null && caps.quotes ? { replyTo: m.replyTo } : {}),
    ...(m.template === null ? {} : { template: m.template }),
    ...(m.reaction !== null && caps.reactions ? { reaction: m.reaction } : {}),
    ...(caps.voiceNotes && m.files.some((f) => f.voice) ? { voice: true } : {}),
  };
}

/** Retry after 5 s, 10 s, 20 s … capped at 10 minutes. */
export const retryDelayMs = (attempts: number): number => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1));

interface Pending {
  change: DeliveryChange;
  /** A receipt's channel answers the carrier once this settles. */
  written?: { resolve: () => void; reject: (err: unknown) => void };
}

/**
 * Moves queued messages from the database to their channels and records what came of them. The outcomes and
 * receipts that arrive in one turn of the event loop are written as one group-commit job at its end, together with
 * the claim (lease) of as many due messages as there is room for — so a burst of 100 submit_sm_resp costs one
 * commit, not 100. Woken by `wake()` when something was queued; polls once a second otherwise (retries come due,
 * leases of a crashed run expire).
 */
export function createOutboxLoop(
  domain: DomainContext,
  channels: Map<string, Channel>,
  log: Logger,
  options: Partial<OutboxLoopOptions> & {
    groupCommit: GroupCommit;
    numberRate?: (e164: string) => number;
    media?: MediaStore;
    /** The [campaigns] settings now (their carrier codes pause a campaign); without it, campaign messages fail or retry like any. */
    campaignSettings?: () => CampaignSettings;
  },
) {
  const opts = { ...DEFAULTS, ...options };
  const { media, groupCommit } = options;
  const pacer = createPacer(options.numberRate ?? (() => 0), domain.now);
  let running = false;
  let inFlight = 0;
  /** Cleared when a claim found fewer than it asked for: no claim query again until something may have come due. */
  let mayBeDue = true;
  let pending: Pending[] = [];
  let scheduled: Promise<void> | null = null;
  let poll: NodeJS.Timeout | null = null;
  const sending = new Set<Promise<void>>();

  /** One job per turn: it takes whatever arrived by the time the turn's writes run. */
  function schedule(): void {
    if (scheduled) return;
    let batch: Pending[] = [];
    let room = 0;
    scheduled = groupCommit
      .run(() => {
        scheduled = null;
        [batch, pending] = [pending, []];
        room = running && mayBeDue ? opts.concurrency - inFlight : 0;
        try {
          return writeDeliveries(
            domain,
            batch.map((p) => p.change),
            { limit: room, leaseMs: opts.leaseMs },
          ).claimed;
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      })
      .then(
        (claimed) => {
          if (claimed instanceof Error) return writeOneByOne(batch, claimed);
          for (const p of batch) p.written?.resolve();
          if (claimed.length < room) mayBeDue = false;
          for (const m of claimed) launch(m);
        },
        (err: unknown) => {
          // The commit failed: nothing of the turn is on disk. Leases bring the messages back; carriers resend receipts.
          log.error({ err }, 'writing delivery outcomes failed');
          for (const p of batch) p.written?.reject(err);
        },
      );
  }

  /** One change the database refuses must not take the others with it. An outcome not written leaves its lease to bring the message back. */
  function writeOneByOne(batch: Pending[], err: unknown): void {
    log.error({ err, changes: batch.length }, 'writing a batch of delivery outcomes failed; writing them one by one');
    for (const p of batch) {
      groupCommit
        .run(() => writeDeliveries(domain, [p.change]))
        .then(
          () => p.written?.resolve(),
          (error: unknown) => {
            log.error({ err: error, change: p.change.kind }, 'a delivery outcome could not be written');
            p.written?.reject(error);
          },
        );
    }
  }

  async function attempt(m: DueMessage): Promise<DeliveryChange> {
    const channel = channels.get(m.connection);
    if (!channel)
      return {
        kind: 'failed',
        message: m,
        code: 'no-connection',
        reason: `no [[smpp]] or [[mm7]] connection named "${m.connection}" is configured`,
      };
    const wait = pacer.reserve(m.from);
    // A wait longer than the lease could let another claim take the message meanwhile: hand it back instead.
    if (wait > opts.leaseMs / 4) {
      pacer.release(m.from);
      return { kind: 'postponed', message: m, at: domain.now() + wait };
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const outcome = await channel.send(outboundOf(m, media));
    if (outcome.ok) return { kind: 'sent', message: m, carrierIds: outcome.carrierIds };
    const pause =
      m.campaignId !== null && options.campaignSettings
        ? carrierPauseOf(options.campaignSettings(), outcome.code, domain.now())
        : null;
    if (pause) return { kind: 'campaign-paused', message: m, ...pause };
    if (outcome.retry && m.attempts < opts.maxAttempts)
      return {
        kind: 'retry',
        message: m,
        at: domain.now() + retryDelayMs(m.attempts),
        code: outcome.code,
        reason: outcome.reason,
      };
    return { kind: 'failed', message: m, code: outcome.code, reason: outcome.reason };
  }

  function launch(m: DueMessage): void {
    inFlight += 1;
    const p = attempt(m)
      .then(
        (change) => void pending.push({ change }),
        (err: unknown) => log.error({ err, messageId: m.messageId }, 'sending failed; the lease will bring it back'),
      )
      .finally(() => {
        inFlight -= 1;
        sending.delete(p);
        schedule();
      });
    sending.add(p);
  }

  function wake(): void {
    mayBeDue = true;
    schedule();
  }

  return {
    start(): void {
      running = true;
      poll = setInterval(wake, IDLE_POLL_MS);
      wake();
    },
    wake,
    /** A carrier's report (receipt, WhatsApp status), written with the turn's other changes; resolves once it is on disk. */
    receipt(report: MessagingReport): Promise<void> {
      const { connection, carrierId, state, errorCode, errorDetails } = report;
      return new Promise((resolve, reject) => {
        pending.push({
          change: {
            kind: 'receipt',
            connection,
            carrierId,
            state,
            ...(errorCode ? { errorCode } : {}),
            ...(errorDetails ? { errorDetails } : {}),
          },
          written: { resolve, reject },
        });
        schedule();
      });
    },
    /** Stops claiming; sends in flight finish and their outcomes are written before this resolves. */
    async stop(): Promise<void> {
      running = false;
      if (poll) clearInterval(poll);
      while (sending.size > 0 || scheduled) await Promise.all([...sending, scheduled]);
    },
  };
}

export type OutboxLoop = ReturnType<typeof createOutboxLoop>;
