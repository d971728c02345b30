/**
 * Per-key send pacing (carriers cap each 10DLC number's messages per second). Each reservation takes
 * the next free slot of its key and says how long to wait for it; a rate of 0 means no limit.
 */
export function createPacer(rateFor: (key: string) => number, now: () => number = Date.now) {
  const nextFree = new Map<string, number>();
  return {
    reserve(key: string): number {
      const rate = rateFor(key);
      if (rate <= 0) return 0;
      const t = now();
      const slot = Math.max(t, nextFree.get(key) ?? t);
      nextFree.set(key, slot + 1000 / rate);
      return slot - t;
    },
    /** Gives a reserved slot back, for a message that will not be sent now after all. */
    release(key: string): void {
      const rate = rateFor(key);
      const slot = nextFree.get(key);
      if (rate > 0 && slot !== undefined) nextFree.set(key, slot - 1000 / rate);
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
