import type { Attributes, Counter, Meter, MeterOptions, MeterProvider, MetricOptions } from '@opentelemetry/api';

/**
 * Spans the batch processor lost. The SDK drops spans silently (one debug log) when its queue
 * is full, and loses a whole batch when an export fails; both are what a sizing decision needs.
 */
export class DroppedSpans {
  queueFull = 0;
  exportFailed = 0;

  get total(): number {
    return this.queueFull + this.exportFailed;
  }
}

// The SDK's own self-observability counter (semantic conventions, `otel.sdk.*`): the batch
// processor adds to it once per dropped span (error.type=queue_full) and once per export
// (error.type=<error name> when it failed). Reading it is the one supported way to see drops.
const PROCESSED = 'otel.sdk.processor.span.processed';

function teeCounter(inner: Counter, into: DroppedSpans): Counter {
  return {
    add(value: number, attributes?: Attributes, ctx?: Parameters<Counter['add']>[2]) {
      const errorType = attributes?.['error.type'];
      if (errorType === 'queue_full') into.queueFull += value;
      else if (errorType !== undefined) into.exportFailed += value;
      inner.add(value, attributes, ctx);
    },
  };
}

/**
 * A MeterProvider to hand the batch processor as `selfObsMeterProvider`: it forwards every
 * instrument to `inner` (so the SDK's metrics still reach the exporters) and counts drops.
 */
export function countingMeterProvider(inner: MeterProvider, into: DroppedSpans): MeterProvider {
  return {
    getMeter(name: string, version?: string, options?: MeterOptions): Meter {
      const meter = inner.getMeter(name, version, options);
      return new Proxy(meter, {
        get(target, prop, receiver) {
          if (prop === 'createCounter') {
            return (metric: string, opts?: MetricOptions) => {
              const counter = target.createCounter(metric, opts);
              return metric === PROCESSED ? teeCounter(counter, into) : counter;
            };
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}
