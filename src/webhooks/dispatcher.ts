import type { DomainContext } from '../domain/context.ts';
import {
  claimDue,
  nextDueAt,
  pruneWebhookLog,
  recordAttempt,
  releaseInterrupted,
  type ClaimedDelivery,
} from '../domain/webhooks/queue.ts';
import { postDelivery } from './post.ts';

/** Deliveries in flight at once, across endpoints (one per conversation per endpoint at most, by the queue's rule). */
const CONCURRENCY = 4;
/**
 * The queue is written by triggers on every write path, most of which announce no domain event, so the dispatcher
 * looks again this often: one indexed query for the earliest pending delivery.
 */
const LOOK_EVERY_MS = 1000;
/** How often what is past the log's reach is forgotten. */
const PRUNE_EVERY_MS = 3_600_000;

export interface WebhookDispatcher {
  /** Sends what is due now (the timer calls it; tests call it after moving the clock). */
  run(): void;
  /** Stops taking work and waits for the deliveries in flight. */
  stop(): Promise<void>;
}

export interface DispatcherOptions {
  allowPrivate: () => boolean;
  onError: (err: unknown) => void;
}

/**
 * Sends the webhook queue: claims due deliveries up to CONCURRENCY, posts them, records each outcome. Its time is the
 * domain's `now`, so a test moves the clock instead of waiting minutes. State lives in SQLite only: a restart hands
 * back what was being sent and carries on with the retries where they were.
 */
export function startWebhookDispatcher(ctx: DomainContext, opts: DispatcherOptions): WebhookDispatcher {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const post = (delivery: ClaimedDelivery) =>
    postDelivery(delivery, { allowPrivate: opts.allowPrivate(), now: () => ctx.now() });

  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    let wait = LOOK_EVERY_MS;
    try {
      const next = nextDueAt(ctx);
      if (next !== null && inFlight.size < CONCURRENCY) wait = Math.min(wait, Math.max(next - ctx.now(), 0));
    } catch (err) {
      opts.onError(err);
    }
    timer = setTimeout(run, wait);
    timer.unref();
  };

  function run(): void {
    if (stopped) return;
    let claimed: ClaimedDelivery[] = [];
    try {
      claimed = claimDue(ctx, CONCURRENCY - inFlight.size);
    } catch (err) {
      opts.onError(err);
    }
    for (const delivery of claimed) {
      const work = post(delivery)
        .then((outcome) => recordAttempt(ctx, delivery, outcome))
        .catch(opts.onError)
        .finally(() => {
          inFlight.delete(work);
          run();
        });
      inFlight.add(work);
    }
    arm();
  }

  const prune = (): void => {
    try {
      pruneWebhookLog(ctx);
    } catch (err) {
      opts.onError(err);
    }
  };
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  pruning.unref();

  releaseInterrupted(ctx);
  prune();
  run();
  return {
    run,
    async stop() {
      stopped = true;
      clearInterval(pruning);
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...inFlight]);
    },
  };
}
