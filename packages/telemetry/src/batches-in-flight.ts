import type { Context } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

export interface BatchesInFlightOptions extends BatchSpanProcessorOptions {
  /** How many exports may wait for their answers at once (one batch processor each). */
  readonly exportsInFlight: number;
}

/**
 * The SDK's batch processor, `exportsInFlight` of them, each dealt a batch of ended spans in turn: as many
 * exports in flight at once. One `BatchSpanProcessor` sends its next batch only when the last one
 * is answered, and the warehouse answers once the batch is committed, so a process ending spans
 * faster than one export's round trip carries them (the auction: 15 spans per event) filled its
 * queue and dropped spans while the warehouse had CPU to spare (bench/README.md, "two exports in
 * flight"). Each processor is the stock one with its own queue, a share of `maxQueueSize`, its
 * own timer and its own self-metrics, so drops and failed exports are counted as before. A share
 * is never smaller than one batch, so a queue set smaller than `exportsInFlight` batches holds a
 * batch per processor.
 */
export class BatchesInFlightProcessor implements SpanProcessor {
  readonly #processors: readonly BatchSpanProcessor[];
  /** Spans dealt to one processor before the next: a batch's worth (`maxExportBatchSize`). */
  readonly #batchSize: number;
  #next = 0;
  #dealt = 0;

  constructor(options: BatchesInFlightOptions) {
    const { exportsInFlight, ...config } = options;
    if (!Number.isInteger(exportsInFlight) || exportsInFlight < 1) {
      throw new Error(`exportsInFlight must be a positive integer, got ${exportsInFlight}`);
    }
    const maxQueueSize = Math.max(
      config.maxExportBatchSize ?? 1,
      Math.floor((config.maxQueueSize ?? 2048) / exportsInFlight),
    );
    this.#batchSize = config.maxExportBatchSize ?? 512; // the SDK's default
    this.#processors = Array.from(
      { length: exportsInFlight },
      () => new BatchSpanProcessor({ ...config, maxQueueSize }),
    );
  }

  onStart(span: Span, parentContext: Context): void {
    // The stock batch processor does nothing here; forwarded all the same, to every one.
    for (const p of this.#processors) p.onStart(span, parentContext);
  }

  /**
   * A batch's worth to each processor in turn, not a span each: under load every processor still
   * sends full batches, one after the other; at a low rate (a 10 % sampling ratio) one processor
   * gets the spans and its timer sends them in one export, where dealing span by span had every
   * processor send a part of them at each tick — as many exports, each a load with its fixed cost
   * in the warehouse (a commit and a flush: ~3–4 ms of CPU for a load of 50 span rows in DuckDB).
   */
  onEnd(span: ReadableSpan): void {
    const processors = this.#processors;
    processors[this.#next]!.onEnd(span);
    if (++this.#dealt < this.#batchSize) return;
    this.#dealt = 0;
    this.#next = this.#next + 1 === processors.length ? 0 : this.#next + 1;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.shutdown()));
  }
}
