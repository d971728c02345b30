/**
 * Pauses after Meta's rate limits: 130429 pauses the whole number, 131056 one customer ("pair rate limit"). Each
 * limit hit again doubles the pause (1 s, 2 s, 4 s … up to a minute); a message that goes through ends it.
 */
export function createBackoff(now: () => number = Date.now, baseMs = 1000, maxMs = 60_000) {
  const paused = new Map<string, { until: number; hits: number }>();
  return {
    /** Milliseconds until `key` may send again; 0 when it may now. */
    remaining(key: string): number {
      const p = paused.get(key);
      return p ? Math.max(0, p.until - now()) : 0;
    },
    /** Records a rate limit for `key` and returns the pause it now has. */
    limited(key: string): number {
      const hits = (paused.get(key)?.hits ?? 0) + 1;
      const pause = Math.min(maxMs, baseMs * 2 ** (hits - 1));
      paused.set(key, { until: now() + pause, hits });
      return pause;
    },
    succeeded(key: string): void {
      paused.delete(key);
    },
  };
}

export type Backoff = ReturnType<typeof createBackoff>;
