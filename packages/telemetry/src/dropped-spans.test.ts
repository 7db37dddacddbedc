import { createNoopMeter, type MeterProvider } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { countingMeterProvider, DroppedSpans } from './dropped-spans.ts';

const noopProvider: MeterProvider = { getMeter: () => createNoopMeter() };

/** An exporter that holds each export until told how it went. */
function heldExporter() {
  const pending: Array<(ok: boolean) => void> = [];
  const exporter: SpanExporter = {
    export(_spans: ReadableSpan[], done) {
      pending.push((ok) =>
        done({
          code: ok ? ExportResultCode.SUCCESS : ExportResultCode.FAILED,
          error: ok ? undefined : new Error('down'),
        }),
      );
    },
    shutdown: async () => {},
  };
  return { exporter, pending };
}

describe('DroppedSpans via countingMeterProvider', () => {
  it('counts spans a full queue drops and spans a failed export loses', async () => {
    const dropped = new DroppedSpans();
    const { exporter, pending } = heldExporter();
    const bsp = new BatchSpanProcessor({
      exporter,
      maxQueueSize: 2,
      maxExportBatchSize: 2,
      scheduledDelayMillis: 60_000,
      selfObsMeterProvider: countingMeterProvider(noopProvider, dropped),
    });
    const tracer = new TracerProvider({ spanProcessors: [bsp] }).getTracer('t');
    // 2 spans fill a batch, whose export hangs; 2 more fill the queue; the last 6 are dropped.
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    expect(dropped.queueFull).toBe(6);
    expect(pending).toHaveLength(1);
    pending.shift()!(false);
    await new Promise((r) => setImmediate(r));
    expect(dropped.exportFailed).toBe(2);
    expect(dropped.total).toBe(8);
    const flushed = bsp.forceFlush();
    await new Promise((r) => setImmediate(r));
    for (const resolve of pending.splice(0)) resolve(true);
    await flushed;
    expect(dropped.total).toBe(8);
  });
});
