import type { SpanResourceRow, SpanRow, Warehouse } from '@adtrace/warehouse';
import { LOAD_SPAN_PREFIX, tracedLoad } from './load-span.ts';

/** The queue is full: the receiver answers UNAVAILABLE and the exporter retries later. */
export class SinkOverloaded extends Error {
  override readonly name = 'SinkOverloaded';
}

/** What one export request brings: its spans' rows and the resources they name. */
export interface SpanBatch {
  readonly rows: readonly SpanRow[];
  readonly resources?: readonly SpanResourceRow[];
}

interface Pending extends SpanBatch {
  /** CPU micros it took to decode these rows from their OTLP request (charged to the load that stores them). */
  readonly decodeCpuMicros: number;
  resolve(): void;
  reject(err: unknown): void;
}

export interface SinkStats {
  readonly requests: number;
  readonly spansReceived: number;
  readonly spansInserted: number;
  readonly loads: number;
  readonly queuedSpans: number;
  /**
   * Of spansInserted, the warehouse's own load spans that came alone (stored untraced, below):
   * what follows every load by an export and a load, not the spans of any event.
   */
  readonly ownLoadSpansInserted: number;
}

/**
 * Group commit for span rows. While one load runs, the Export requests that arrive wait
 * together and go into the next load, one transaction for all of them. Each request is
 * answered only when its rows are committed, so an OK means durable; a failed load fails
 * every request in it (they are retried whole, and loads are idempotent).
 */
export class SpanSink {
  readonly #warehouse: Warehouse;
  readonly #maxBatch: number;
  readonly #maxQueued: number;
  #pending: Pending[] = [];
  #queued = 0;
  #loading: Promise<void> | undefined;
  /** Resources already committed: each is loaded once, before the first spans that name it. */
  readonly #storedResources = new Set<string>();
  #stats = { requests: 0, spansReceived: 0, spansInserted: 0, loads: 0, ownLoadSpansInserted: 0 };

  constructor(warehouse: Warehouse, options: { maxBatchSpans: number; maxQueuedSpans: number }) {
    this.#warehouse = warehouse;
    this.#maxBatch = options.maxBatchSpans;
    this.#maxQueued = options.maxQueuedSpans;
  }

  get stats(): SinkStats {
    return { ...this.#stats, queuedSpans: this.#queued };
  }

  submit({ rows, resources = [] }: SpanBatch, decodeCpuMicros = 0): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.#queued > 0 && this.#queued + rows.length > this.#maxQueued) {
      return Promise.reject(new SinkOverloaded(`${this.#queued} spans are waiting to be written; try again`));
    }
    this.#stats.requests += 1;
    this.#stats.spansReceived += rows.length;
    this.#queued += rows.length;
    const done = new Promise<void>((resolve, reject) =>
      this.#pending.push({ rows, resources, decodeCpuMicros, resolve, reject }),
    );
    this.#pump();
    return done;
  }

  /** Resolves when everything submitted so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.#loading) await this.#loading;
  }

  #pump(): void {
    if (this.#loading || this.#pending.length === 0) return;
    const group: Pending[] = [];
    let size = 0;
    while (this.#pending.length > 0 && (group.length === 0 || size + this.#pending[0]!.rows.length <= this.#maxBatch)) {
      const next = this.#pending.shift()!;
      group.push(next);
      size += next.rows.length;
    }
    const rows = group.length === 1 ? group[0]!.rows : group.flatMap((p) => p.rows);
    // Bookkeeping first, then answers: a request that resolves sees the queue already shorter.
    const settle = () => {
      this.#queued -= size;
      this.#loading = undefined;
      this.#pump();
    };
    // The warehouse's own load spans, alone, are stored untraced: tracing their load would make
    // one more load span to store, forever.
    // (Their decoding, and the load's CPU, are then charged to no span: the cost of tracing itself.)
    const ownLoadsOnly = rows.every((r) => r.name.startsWith(LOAD_SPAN_PREFIX));
    const load = async () => {
      await this.#loadNewResources(group);
      return this.#warehouse.loadSpans(rows);
    };
    const decodeCpuMicros = group.reduce((n, p) => n + p.decodeCpuMicros, 0);
    this.#loading = (ownLoadsOnly ? load() : tracedLoad('spans', load, decodeCpuMicros)).then(
      (result) => {
        this.#stats.loads += 1;
        this.#stats.spansInserted += result.inserted;
        if (ownLoadsOnly) this.#stats.ownLoadSpansInserted += result.inserted;
        settle();
        for (const p of group) p.resolve();
      },
      (err: unknown) => {
        settle();
        for (const p of group) p.reject(err);
      },
    );
  }

  /** Resources named by the group's spans and not stored yet: a handful when a process starts, then none. */
  async #loadNewResources(group: readonly Pending[]): Promise<void> {
    const fresh = new Map<string, SpanResourceRow>();
    for (const p of group)
      for (const r of p.resources ?? []) if (!this.#storedResources.has(r.resourceId)) fresh.set(r.resourceId, r);
    if (fresh.size === 0) return;
    await this.#warehouse.loadSpanResources([...fresh.values()]);
    // Bounded: past it, ids are loaded again (a no-op, the key is there) rather than remembered forever.
    if (this.#storedResources.size + fresh.size > 10_000) this.#storedResources.clear();
    for (const id of fresh.keys()) this.#storedResources.add(id);
  }
}
