import { type Context, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { CostAttributes, SpanAttributes } from './attributes.ts';
import { priceUsage } from './cost.ts';
import { type CpuClock, cpuClock } from './cpu-clock.ts';
import type { PriceTable } from './prices.ts';

interface CpuWindow {
  readonly startMicros: number;
  /** CPU time of this span's children that ended so far (their inclusive time). */
  childMicros: number;
  readonly parent: CpuWindow | undefined;
}

function numberAttr(span: Span, name: string): number {
  const v = span.attributes[name];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * Writes the cost attributes on every recording span, in `onEnding` (the last moment a span
 * still takes attributes; `onEnd` gets a read-only span).
 *
 * Cost is **self** cost: the CPU time between start and end minus what the span's
 * local children used in their own windows, so that summing `adtrace.cost.usd` over all spans
 * of a trace (or of a stage) never counts the same microsecond twice. Kafka and query bytes
 * are set only on the span that moved them (`send`, `process`, a query), so they are self by nature.
 * Produced bytes (PRODUCER spans) are priced as data in, anything else as data out.
 */
export class CostSpanProcessor implements SpanProcessor {
  readonly #windows = new WeakMap<object, CpuWindow>();
  readonly #prices: PriceTable;
  readonly #now: CpuClock;

  constructor(prices: PriceTable, clock: CpuClock = cpuClock()) {
    this.#prices = prices;
    this.#now = clock;
  }

  onStart(span: Span, parentContext: Context): void {
    const parentSpan = trace.getSpan(parentContext);
    const parent = parentSpan ? this.#windows.get(parentSpan) : undefined;
    this.#windows.set(span, { startMicros: this.#now(), childMicros: 0, parent });
  }

  onEnding(span: Span): void {
    const window = this.#windows.get(span);
    if (!window) return;
    this.#windows.delete(span);
    const inclusive = Math.max(0, this.#now() - window.startMicros);
    if (window.parent) window.parent.childMicros += inclusive;
    // Concurrent children overlap in time, so their sum can exceed the parent's window: clamp.
    const cpuMicros = Math.max(0, inclusive - window.childMicros);
    const kafkaBytes = numberAttr(span, SpanAttributes.kafkaBytes);
    const produced = span.kind === SpanKind.PRODUCER;
    const cost = priceUsage(
      {
        cpuMicros,
        kafkaBytesIn: produced ? kafkaBytes : 0,
        kafkaBytesOut: produced ? 0 : kafkaBytes,
        queryBytesScanned: numberAttr(span, SpanAttributes.queryBytesScanned),
      },
      this.#prices,
    );
    span.setAttributes({
      [CostAttributes.cpuMicros]: cpuMicros,
      [CostAttributes.computeUsd]: cost.computeUsd,
      [CostAttributes.kafkaUsd]: cost.kafkaUsd,
      [CostAttributes.queryUsd]: cost.queryUsd,
      [CostAttributes.totalUsd]: cost.totalUsd,
    });
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
