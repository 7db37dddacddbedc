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
 * The SDK's batch processor, `exportsInFlight` of them, each dealt ended spans in turn: as many
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
  #next = 0;

  constructor(options: BatchesInFlightOptions) {
    const { exportsInFlight, ...config } = options;
    if (!Number.isInteger(exportsInFlight) || exportsInFlight < 1) {
      throw new Error(`exportsInFlight must be a positive integer, got ${exportsInFlight}`);
    }
    const maxQueueSize = Math.max(
      config.maxExportBatchSize ?? 1,
      Math.floor((config.maxQueueSize ?? 2048) / exportsInFlight),
    );
    this.#processors = Array.from(
      { length: exportsInFlight },
      () => new BatchSpanProcessor({ ...config, maxQueueSize }),
    );
  }

  onStart(span: Span, parentContext: Context): void {
    // The stock batch processor does nothing here; forwarded all the same, to every one.
    for (const p of this.#processors) p.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const processors = this.#processors;
    processors[this.#next]!.onEnd(span);
    this.#next = this.#next + 1 === processors.length ? 0 : this.#next + 1;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.#processors.map((p) => p.shutdown()));
  }
}
