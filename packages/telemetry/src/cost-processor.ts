import { type Context, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { CostAttributes } from './attributes.ts';
import { type CpuClock, cpuClock } from './cpu-clock.ts';
import { type CpuMeter, cpuMeterOf } from './cpu-meter.ts';

/** A span charged by CPU clock reads around it (spans outside the stream runtime). */
interface Window {
  readonly kind: 'window';
  readonly startMicros: number;
  /** CPU time of this span's children that ended so far (their inclusive time). */
  childMicros: number;
  readonly parent: Window | undefined;
}

/** A span started inside a handler: charged its self wall time × its meter's rate. */
interface Metered {
  readonly kind: 'metered';
  readonly meter: CpuMeter;
  /** Wall time (µs) of this span's children that ended so far. */
  childWallUs: number;
  readonly parent: Metered | undefined;
}

const micros = ([s, ns]: readonly [number, number]): number => s * 1e6 + ns / 1e3;

/**
 * Writes `adtrace.cost.cpu_us` on every recording span that does not carry it yet, in
 * `onEnding` (the last moment a span still takes attributes; `onEnd` gets a read-only span).
 * Prices are not written on spans: the warehouse prices each span when it loads it, from
 * `cpu_us`, `adtrace.kafka.bytes` (by span kind) and `adtrace.query.bytes_scanned` with its
 * price table — four attributes fewer to record and encode on every span of every message.
 *
 * `adtrace.cost.cpu_us` is the span's **self** CPU: what it did itself, not what its children
 * did, so that summing cost over all spans of a trace, a stage or a process never counts the
 * same microsecond twice, and the sum over everything a process ended is at most that
 * process's CPU time. Where the number comes from, in this order:
 *
 * - **Measured by the stream runtime**: a span started with a numeric `adtrace.cost.cpu_us`
 *   (its `process`, `send`, `dead-letter` spans). The runtime measures CPU per chunk phase and
 *   writes the span's share before ending it; this processor does nothing for it (no clock
 *   read, no attribute, no allocation).
 * - **Metered**: a span started in a context holding a `CpuMeter` (service spans inside a
 *   handler): self wall time (its duration minus its ended direct children's) × the meter's
 *   rate when it ends, added to `meter.chargedUs` so the runtime takes it off the process span.
 *   No clock read either, so interleaved async handlers under different meters are never
 *   charged each other's CPU.
 * - **Window** (CLI tools, the warehouse's own spans, plain kafkajs): the process CPU clock read
 *   at start and end, minus the windows of local children that ended inside it. Approximate
 *   under concurrency: while a span awaits, other work's CPU lands in its window too.
 */
export class CostSpanProcessor implements SpanProcessor {
  readonly #tracked = new WeakMap<object, Window | Metered>();
  readonly #now: CpuClock;

  constructor(clock: CpuClock = cpuClock()) {
    this.#now = clock;
  }

  onStart(span: Span, parentContext: Context): void {
    // Measured by the runtime: nothing to track, the attribute is the number.
    if (typeof span.attributes[CostAttributes.cpuMicros] === 'number') return;
    const parentSpan = trace.getSpan(parentContext);
    const parent = parentSpan ? this.#tracked.get(parentSpan) : undefined;
    const meter = cpuMeterOf(parentContext);
    if (meter) {
      this.#tracked.set(span, {
        kind: 'metered',
        meter,
        childWallUs: 0,
        parent: parent?.kind === 'metered' ? parent : undefined,
      });
    } else {
      this.#tracked.set(span, {
        kind: 'window',
        startMicros: this.#now(),
        childMicros: 0,
        parent: parent?.kind === 'window' ? parent : undefined,
      });
    }
  }

  onEnding(span: Span): void {
    const tracked = this.#tracked.get(span);
    if (!tracked) return; // measured by the runtime (or started before this processor): as it is
    this.#tracked.delete(span);
    const cpuMicros = tracked.kind === 'metered' ? this.#metered(tracked, span) : this.#window(tracked);
    span.setAttribute(CostAttributes.cpuMicros, cpuMicros);
  }

  #metered(m: Metered, span: Span): number {
    const wallUs = micros(span.duration);
    if (m.parent) m.parent.childWallUs += wallUs;
    // Overlapping children (Promise.all) can sum to more than the parent's wall time: clamp.
    const selfUs = Math.max(0, wallUs - m.childWallUs);
    const rate = Number.isFinite(m.meter.rate) && m.meter.rate > 0 ? m.meter.rate : 0;
    const cpuMicros = selfUs * rate;
    m.meter.chargedUs += cpuMicros;
    return cpuMicros;
  }

  #window(w: Window): number {
    const inclusive = Math.max(0, this.#now() - w.startMicros);
    if (w.parent) w.parent.childMicros += inclusive;
    // Concurrent children overlap in time, so their sum can exceed the parent's window: clamp.
    return Math.max(0, inclusive - w.childMicros);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
