import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CostAttributes } from '@adtrace/telemetry';
import type { ReadableSpan } from '@adtrace/telemetry/testing';
import { trace } from '@opentelemetry/api';
import { Partitioners } from 'kafkajs';
import { afterEach, describe, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, type Log, toConfig } from '../src/index.ts';
import { payloadCodec, tag } from './support/codecs.ts';
import { type CostTracing, processCpuMicros, registerCostTracing } from './support/cost-tracing.ts';
import { drainTopic, kafkaFor } from './support/kafka-io.ts';

/**
 * Issue 11, item 1: the CPU the runtime charges its spans is honest. With the production span
 * pipeline (event-id and cost processors, batch processor) in this process, a hop with a handler
 * span of its own drains a backlog over three partitions — chunks of different partitions
 * interleave — and the sum of `adtrace.cost.cpu_us` over every span ended is
 *  - at most the process CPU over the run (never charged twice), and
 *  - at least 70 % of the process CPU while the hop drains (from its first process span to its
 *    last): the spans cover the work; fetching, export and GC are what they may leave out.
 */
const log: Log = (level, message, fields) => {
  if (level === 'error' || level === 'warn') console.error(level, message, fields);
};
const PARTITIONS = 3;
const cpuOf = (s: ReadableSpan) => s.attributes[CostAttributes.cpuMicros] as number;
const wallUs = (s: ReadableSpan) => s.duration[0] * 1e6 + s.duration[1] / 1e3;
let tracing: CostTracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

/** `n` inputs round-robin over the partitions, each in a sampled trace of its own. */
async function produceBacklog(brokers: string[], topic: string, n: number): Promise<void> {
  const producer = kafkaFor(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let from = 0; from < n; from += 1000) {
      const messages = Array.from({ length: Math.min(1000, n - from) }, (_, k) => {
        const i = from + k;
        const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
        return {
          partition: i % PARTITIONS,
          key: `user-${i % 17}`,
          value: JSON.stringify({ i }),
          headers: { traceparent, 'adtrace.event-id': `evt-${i}` },
        };
      });
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Burns about `micros` of this thread's CPU, synchronously (a handler's own work). */
function spin(micros: number): void {
  const until = processCpuMicros() + micros;
  while (processCpuMicros() < until) {}
}

interface Run {
  readonly spans: ReadableSpan[];
  readonly processSpans: ReadableSpan[];
  /** Process CPU from before start to after stop. */
  readonly runCpu: number;
  /** Process CPU from the first process span's start to the last one's end. */
  readonly drainCpu: number;
  readonly gc: { ms: number; count: number };
}

/** Drains an `n`-message backlog through a hop whose handler runs `handle` inside `ads.test_handler`. */
async function drain(
  n: number,
  handle: (partition: number) => Promise<void> | void,
  mode: 'at-least-once' | 'exactly-once' = 'at-least-once',
  batchSize = 500,
): Promise<Run> {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: PARTITIONS });
  const { in: input, out } = topics.names;
  try {
    await produceBacklog(testBrokers(), input, n);
    tracing = registerCostTracing(n, (name) => name === `process ${input}`);
    const handlerTracer = trace.getTracer('stream-test-handler');
    const hop = createHop({
      name: uniqueGroupId('cost'),
      mode,
      log,
      config: toConfig({ brokers: testBrokers(), batchSize, deadLetterTopic: topics.names.dlq }),
      inputs: { in: { topic: input, decode: payloadCodec.decode } },
      outputs: { out: { topic: out, encode: payloadCodec.encode } },
      handler: (m, ctx) =>
        handlerTracer.startActiveSpan('ads.test_handler', async (span) => {
          try {
            await handle(m.partition);
            ctx.emit({ to: 'out', value: tag('cost', m.value) });
          } finally {
            span.end();
          }
        }),
    });
    const gcBefore = tracing.gc();
    const cpuBefore = processCpuMicros();
    try {
      await hop.start();
      // Resolved by the probe at the last process span: no polling inside the measured window.
      await Promise.race([
        tracing.probe.done,
        sleep(120_000).then(() => Promise.reject(new Error('the hop did not drain the backlog in 120 s'))),
      ]);
    } finally {
      await hop.stop();
    }
    const runCpu = processCpuMicros() - cpuBefore;
    const gcAfter = tracing.gc();
    const spans = await tracing.spans();
    expect((await drainTopic(kafkaFor(testBrokers()), out)).length).toBeGreaterThanOrEqual(n);
    return {
      spans,
      processSpans: spans.filter((s) => s.name === `process ${input}`),
      runCpu,
      drainCpu: tracing.probe.lastCpu! - tracing.probe.firstCpu!,
      gc: { ms: gcAfter.ms - gcBefore.ms, count: gcAfter.count - gcBefore.count },
    };
  } finally {
    await topics.cleanup();
  }
}

function report(label: string, run: Run): number {
  const sum = run.spans.reduce((n, s) => n + cpuOf(s), 0);
  const byName = new Map<string, number>();
  for (const s of run.spans) {
    const kind = s.name.split(' ')[0]!;
    byName.set(kind, (byName.get(kind) ?? 0) + cpuOf(s));
  }
  const parts = [...byName].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} ms`).join(', ');
  console.log(
    `${label}: spans ${run.spans.length}, span CPU ${(sum / 1000).toFixed(1)} ms (${parts}); ` +
      `process CPU over the run ${(run.runCpu / 1000).toFixed(1)} ms, while draining ${(run.drainCpu / 1000).toFixed(1)} ms; ` +
      `span/run ${(sum / run.runCpu).toFixed(3)}, span/drain ${(sum / run.drainCpu).toFixed(3)}; ` +
      `GC ${run.gc.count} pauses, ${run.gc.ms.toFixed(1)} ms`,
  );
  return sum;
}

describe.each(['at-least-once', 'exactly-once'] as const)('cost per span, %s', (mode) => {
  test('a drained backlog: the spans CPU sums to at most the process CPU and covers at least 70 % of the drain', async () => {
    const n = 6000;
    const run = await drain(n, () => {}, mode);
    const sum = report(`sync handler, ${mode}`, run);
    expect(run.processSpans).toHaveLength(n);
    expect(run.spans.filter((s) => s.name === 'ads.test_handler')).toHaveLength(n);
    for (const s of run.spans) expect(cpuOf(s)).toBeGreaterThanOrEqual(0);
    expect(sum).toBeLessThanOrEqual(run.runCpu);
    expect(sum).toBeGreaterThanOrEqual(0.7 * run.drainCpu);
  }, 180_000);
});

describe('async handlers interleaved on three partitions', () => {
  test('a handler span that awaits is charged its own CPU, not the other partitions', async () => {
    // Partition 0's handler burns 1 ms of CPU per message; the others burn none. All await a
    // timer inside their span, so the three partitions' handlers interleave on the event loop.
    const n = 1500;
    const burnUs = 1000;
    const run = await drain(
      n,
      async (partition) => {
        if (partition === 0) spin(burnUs);
        await sleep(1);
        // Chunks of 100: five per partition, so most run at a rate measured on an earlier chunk.
      },
      'at-least-once',
      100,
    );
    const sum = report('async handler', run);
    expect.soft(sum).toBeLessThanOrEqual(run.runCpu);
    const handlerSpans = run.spans.filter((s) => s.name === 'ads.test_handler');
    expect(handlerSpans).toHaveLength(n);
    // Charged per message of each partition: its process span and its handler span.
    const perPartition = [0, 1, 2].map(() => ({ cpu: 0, messages: 0, handlerWall: 0 }));
    const processById = new Map(run.processSpans.map((s) => [s.spanContext().spanId, s]));
    for (const h of handlerSpans) {
      const p = processById.get(h.parentSpanContext!.spanId)!;
      const slot = perPartition[Number(p.attributes['messaging.destination.partition.id'])]!;
      slot.cpu += cpuOf(h) + cpuOf(p);
      slot.handlerWall += wallUs(h);
      slot.messages++;
    }
    // A handler's code runs on one thread: its span cannot have burnt more than its wall time.
    expect.soft(handlerSpans.filter((h) => cpuOf(h) > wallUs(h)).length).toBe(0);
    const perMessage = perPartition.map((x) => x.cpu / x.messages);
    console.log(
      `async handler: charged CPU per message by partition (process + handler) ${perMessage.map((x) => x.toFixed(0)).join(' / ')} µs, own burn ${burnUs} / 0 / 0 µs`,
    );
    // The burning partition is charged its burn; the idle ones are not charged it.
    expect.soft(perMessage[0]).toBeGreaterThanOrEqual(0.7 * burnUs);
    expect.soft(perMessage[1]).toBeLessThan(0.25 * burnUs);
    expect.soft(perMessage[2]).toBeLessThan(0.25 * burnUs);
  }, 180_000);
});
