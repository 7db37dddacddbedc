import { context, propagation, trace } from '@opentelemetry/api';
import { asyncHooks, core, type SpanRecord, sdkTrace, toRecord } from './sdk.ts';

export interface TestTracing {
  spans(): SpanRecord[];
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * A real SDK in this test process: tracer provider, in-memory exporter, async-hooks context
 * manager and the W3C propagator, registered globally as the telemetry package's preload would.
 */
export function registerTestTracing(): TestTracing {
  const exporter = new sdkTrace.InMemorySpanExporter();
  const provider = new sdkTrace.TracerProvider({
    spanProcessors: [new sdkTrace.SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new asyncHooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans().map(toRecord),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
