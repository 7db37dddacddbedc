import type { TableLoad } from '../tables.ts';
import type { LoadResult } from '../warehouse.ts';
import type { WriteQueue } from '../write-queue.ts';

/** A load asked for and not yet run. */
export interface QueuedLoad {
  readonly spec: TableLoad<unknown>;
  readonly rows: readonly unknown[];
}

export interface LoadRunners {
  /** One load in its own transaction (all or nothing, duplicates skipped). */
  one(load: QueuedLoad): Promise<LoadResult>;
  /**
   * Several loads of new rows in one transaction, all or nothing; rejects if any key is already
   * there (or twice among them), leaving nothing.
   */
  allNew(loads: readonly QueuedLoad[]): Promise<LoadResult[]>;
}

/**
 * Group commit of the DuckDB writer: loads that queue up while it is busy (the topic loader's
 * chunks of several partitions, a group of OTLP requests) run together in one transaction when
 * it is free, if every one of them is new rows of a DO NOTHING table. A DuckDB load pays several
 * ms of CPU whatever its size (each statement, the appender's flush, the commit's WAL write),
 * against ~16 µs a row; the loader's chunks are a few hundred rows. If the group fails (a key
 * already there, or a row refused), each load runs again alone, so its result or error is what
 * it would have been alone. Loads of other tables (ROAS windows, campaigns: upserts, derived
 * state) always run alone, after the group, in the order asked.
 */
export class LoadGroups {
  readonly #writes: WriteQueue;
  readonly #run: LoadRunners;
  #queued: { load: QueuedLoad; settle: (r: Promise<LoadResult>) => void }[] = [];

  constructor(writes: WriteQueue, run: LoadRunners) {
    this.#writes = writes;
    this.#run = run;
  }

  load(load: QueuedLoad): Promise<LoadResult> {
    return new Promise<LoadResult>((resolve, reject) => {
      this.#queued.push({ load, settle: (r) => r.then(resolve, reject) });
      // The first load queued schedules the writer's next job; it takes every load queued by then.
      if (this.#queued.length === 1) void this.#writes.run(() => this.#runQueued());
    });
  }

  async #runQueued(): Promise<void> {
    const queued = this.#queued;
    this.#queued = [];
    const grouped = queued.filter((q) => q.load.spec.newRowsSql);
    let done = new Set<(typeof queued)[number]>();
    if (grouped.length > 1) {
      const results = await this.#run.allNew(grouped.map((q) => q.load)).catch(() => undefined);
      if (results) {
        for (const [i, q] of grouped.entries()) q.settle(Promise.resolve(results[i]!));
        done = new Set(grouped);
      }
    }
    for (const q of queued) {
      if (done.has(q)) continue;
      const result = this.#run.one(q.load);
      q.settle(result);
      await result.catch(() => {});
    }
  }
}
