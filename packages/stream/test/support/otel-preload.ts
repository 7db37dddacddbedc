/**
 * Preloaded into child hops (`node --import`): registers a real SDK and the stock kafkajs
 * instrumentation BEFORE kafkajs is loaded, as the telemetry package's preload does in every
 * service. Spans go to SPANS_FILE as JSON lines (appended synchronously, so they survive a kill).
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { type ReadableSpan, SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { toRecord } from './sdk.ts';

const file = process.env.SPANS_FILE;
if (!file) throw new Error('otel-preload needs SPANS_FILE');
const exporter: SpanExporter = {
  export(spans: ReadableSpan[], done: (result: { code: number }) => void) {
    appendFileSync(file, spans.map((s) => `${JSON.stringify(toRecord(s))}\n`).join(''));
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation()] });
// kafkajs is CommonJS: requiring it now, through the hooked require, patches Kafka.prototype in
// place; the runtime's later `import 'kafkajs'` gets the same, patched module from the cache.
const kafkajs = createRequire(new URL('../../package.json', import.meta.url))('kafkajs');
if (!kafkajs.Kafka.prototype.producer.__wrapped) throw new Error('kafkajs instrumentation did not patch kafkajs');
