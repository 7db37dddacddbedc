import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';
import type { DroppedSpans } from './dropped-spans.ts';

/**
 * Process-level gauges every service gets from the preload: event loop delay (the first thing
 * that rises when a hop falls behind), heap in use, and the spans telemetry itself dropped.
 * Returns a function that stops the loop-delay sampler.
 */
export function registerRuntimeMetrics(meter: Meter, dropped: DroppedSpans): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  meter
    .createObservableGauge('adtrace.runtime.event_loop_delay_p99_ms', {
      unit: 'ms',
      description: 'p99 event loop delay since the previous collection',
    })
    .addCallback((result) => {
      result.observe(loop.percentile(99) / 1e6);
      loop.reset();
    });
  meter
    .createObservableGauge('adtrace.runtime.heap_used_bytes', { unit: 'By', description: 'V8 heap in use' })
    .addCallback((result) => result.observe(process.memoryUsage().heapUsed));
  meter
    .createObservableCounter('adtrace.telemetry.spans_dropped', {
      description: 'Spans the batch span processor lost: queue full, or export failed',
    })
    .addCallback((result) => {
      result.observe(dropped.queueFull, { reason: 'queue_full' });
      result.observe(dropped.exportFailed, { reason: 'export_failed' });
    });
  return () => loop.disable();
}
