import type { DomainContext } from '../context.ts';
import { nextWake, wakeDue } from './snooze.ts';
import { nextSend, sendDue } from './scheduled.ts';

/** setTimeout's longest wait (about 24.8 days); a later time is reached in steps. */
const LONGEST = 2 ** 31 - 1;
/** After a failure that is no rule's refusal (a full disk), the next try waits this long rather than spinning. */
const AFTER_FAILURE = 60_000;

export interface LaterTimer {
  /** Does what is due now and arms for the next: on start (catching up after a restart), on every change. */
  run(): void;
  stop(): void;
}

/**
 * One timer for snoozes that end and replies that are due: it sleeps until the earliest of them, does what is due,
 * and re-arms; a change (`later.changed`) re-arms it. Nothing polls: with nothing waiting, no timer is set.
 */
export function startLaterTimer(ctx: DomainContext, onError: (err: unknown) => void): LaterTimer {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const arm = (delay: number): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stopped) return;
    timer = setTimeout(run, Math.min(Math.max(delay, 0), LONGEST));
    // A waiting snooze must not keep a process alive that is shutting down.
    timer.unref();
  };

  function run(): void {
    if (stopped) return;
    try {
      wakeDue(ctx);
      sendDue(ctx);
    } catch (err) {
      onError(err);
      arm(AFTER_FAILURE);
      return;
    }
    const next = [nextWake(ctx), nextSend(ctx)].filter((t): t is number => t !== null);
    if (timer) clearTimeout(timer);
    timer = null;
    if (next.length > 0) arm(Math.min(...next) - ctx.now());
  }

  ctx.events.on('later.changed', () => {
    if (!stopped) arm(0);
  });
  run();
  return {
    run,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
