import type { DomainContext } from './context.ts';

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the writes asked for in one turn of the event loop run in one transaction at its end, so that
 * `synchronous=FULL` costs one fsync for all of them — a carrier's burst of texts and receipts arrives that way.
 * Each write runs in its own savepoint: one that throws is undone and rejected alone; the others commit. Each
 * promise settles after the commit, and the writes' events are announced only then.
 */
export function createGroupCommit(ctx: DomainContext) {
  let jobs: Job[] = [];

  function flush(): void {
    const batch = jobs;
    jobs = [];
    const sqlite = ctx.db.$client;
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      ctx.events.collect(() =>
        sqlite
          .transaction(() => {
            for (const job of batch) {
              try {
                results.push({ ok: true, value: ctx.events.collect(() => sqlite.transaction(job.write)()) });
              } catch (error) {
                results.push({ ok: false, error });
              }
            }
          })
          .immediate(),
      );
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is on disk.
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) job.resolve(r.value);
      else job.reject(r.error);
    });
  }

  return {
    /** Resolves with what `write` returned once it is on disk; rejects if it threw or the commit failed. */
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (jobs.length === 0) setImmediate(flush);
        jobs.push({ write, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;
