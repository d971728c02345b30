/**
 * Pushes wait for the end of the event loop's turn: whatever the turn committed is answered first (a carrier's
 * deliver_sm_resp, an HTTP response), and several changes of one turn to the same thing are drawn once.
 */
export function createTick(onError: (err: unknown) => void) {
  let queue: (() => void)[] = [];

  function run(): void {
    const work = queue;
    queue = [];
    for (const fn of work) {
      try {
        fn();
      } catch (err) {
        onError(err);
      }
    }
  }

  return {
    /** Runs `fn` at the end of this turn, after the work queued before it. */
    later(fn: () => void): void {
      if (queue.length === 0) setImmediate(run);
      queue.push(fn);
    },
  };
}

export type Tick = ReturnType<typeof createTick>;
