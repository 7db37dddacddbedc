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
  readonly #intervalMs: number;
  #queued: { load: QueuedLoad; settle: (r: Promise<LoadResult>) => void }[] = [];
  /** Rows in `#queued`. */
  #rows = 0;
  /** A run of the queued loads is on the write queue: loads queued before it starts join it. */
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  /** When the last group started (performance.now()). */
  #lastStart = Number.NEGATIVE_INFINITY;

  /**
   * `commitIntervalMs` (default 0: a load runs as soon as the writer is free): a group starts no
   * sooner than that after the previous group started, unless GROUP_ROWS rows are waiting — the
   * linger of a producer's batch, for the writer. At the demo's 20 events/s the warehouse ran ~23
   * transactions a second, each span export and each partition's loader chunk its own, at
   * several ms of CPU each whatever its size (bench/README.md, "the warehouse's commits").
   */
  constructor(writes: WriteQueue, run: LoadRunners, options: { commitIntervalMs?: number } = {}) {
    this.#writes = writes;
    this.#run = run;
    this.#intervalMs = options.commitIntervalMs ?? 0;
  }

  load(load: QueuedLoad): Promise<LoadResult> {
    return new Promise<LoadResult>((resolve, reject) => {
      this.#queued.push({ load, settle: (r) => r.then(resolve, reject) });
      this.#rows += load.rows.length;
      this.#schedule(false);
    });
  }

  /** Runs what is queued as soon as the writer is free, whatever the interval (closing). */
  flush(): void {
    if (this.#queued.length > 0) this.#schedule(true);
  }

  /** The queued loads' run goes on the write queue now, or when the interval since the last group ends. */
  #schedule(now: boolean): void {
    if (this.#scheduled) return;
    const wait = this.#lastStart + this.#intervalMs - performance.now();
    if (now || wait <= 0 || this.#rows >= GROUP_ROWS) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#scheduled = true;
      void this.#writes.run(() => this.#runQueued());
    } else {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#schedule(false);
      }, wait);
    }
  }

  async #runQueued(): Promise<void> {
    this.#scheduled = false;
    this.#lastStart = performance.now();
    const queued = this.#queued;
    this.#queued = [];
    this.#rows = 0;
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

/**
 * Rows enough to start a group before the interval is out: ~256 rows (~10 µs each) cost about
 * what a transaction's fixed part does (~3 ms: its statements, the appenders' flushes, the
 * commit). A catching-up loader's chunks (500 rows of a partition) and a busy exporter's
 * requests (4,096 spans) never wait; at 2,048 rows, three partitions' chunks of a backlog did, and
 * the loader crawled at 1,500 rows per interval.
 */
const GROUP_ROWS = 256;
