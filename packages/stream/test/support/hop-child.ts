/**
 * A hop in its own process, configured from the environment, for tests that kill it (SIGKILL
 * mid-stream), stop it (SIGTERM) or start it with the production telemetry preload.
 * HOP_NAME, HOP_INPUT, HOP_OUTPUT, HOP_STORE=count, HOP_DELAY_MS, HOP_CONTROL_TOPIC, and the
 * runtime's own HOP_* knobs (HOP_MODE, HOP_BATCH_SIZE, HOP_DEAD_LETTER_TOPIC, …).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { trace } from '@opentelemetry/api';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { createHop, jsonStore, readEnv, runUntilSignal, toConfig } from '../../src/index.ts';
import { payloadCodec, tag } from './codecs.ts';
import { testKafkaClient } from './kafka-client.ts';

const env = process.env;
const name = env.HOP_NAME ?? 'child-hop';
const delayMs = Number(env.HOP_DELAY_MS ?? 0);
const counting = env.HOP_STORE === 'count';
const config = toConfig({ ...readEnv('HOP'), healthPort: 0 });
const tracer = trace.getTracer('stream-test-handler');

const hop = createHop({
  kafka: testKafkaClient(),
  name,
  inputs: { in: { topic: env.HOP_INPUT ?? '', decode: payloadCodec.decode } },
  outputs: { out: { topic: env.HOP_OUTPUT ?? '', encode: payloadCodec.encode } },
  // State needs exactly-once: only the counting hop declares its store.
  stores: counting ? { counts: jsonStore<number>() } : {},
  config,
  handler: async (message, ctx) => {
    if (delayMs > 0) await sleep(delayMs);
    // A handler span of its own: it must be the output's traceparent (ctx.emit inside it).
    await tracer.startActiveSpan('ads.test_handler', async (span) => {
      try {
        let count: number | undefined;
        if (counting) {
          const key = message.key?.toString() ?? '';
          const counts = ctx.store('counts');
          count = (counts.get(key) ?? 0) + 1;
          counts.put(key, count);
        }
        ctx.emit({ to: 'out', value: tag(name, message.value, count) });
      } finally {
        span.end();
      }
    });
  },
  // Last, as every service does: exports what the batch processor holds (a no-op untraced).
  onShutdown: shutdownTelemetry,
});

const running = runUntilSignal(hop);
for (let i = 0; hop.healthPort === undefined && i < 600; i++) await sleep(100);
process.stdout.write(`PORT ${hop.healthPort}\n`);

if (env.HOP_CONTROL_TOPIC) {
  // Not suppressed: the stock instrumentation must record this send, proving it is active here.
  const kafka = new Kafka({ brokers: [...config.brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: env.HOP_CONTROL_TOPIC, messages: [{ value: 'control' }] });
  await producer.disconnect();
}
await running;
