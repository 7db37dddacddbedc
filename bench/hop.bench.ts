// One consume → small transform → produce hop, three ways, same broker, same messages, one run:
// the stream runtime with tracing on (a real SDK: BatchSpanProcessor to a counting exporter),
// the runtime with tracing off, and a naive kafkajs eachMessage + `await producer.send` per
// message with the same tracing done by hand (extract, process span, send span, inject), as a
// service without the runtime would write it. Each pipeline gets its own copy of the
// input: a backlog of BACKLOG messages (throughput: output timestamps, first to last), then
// PACED messages at PACE_PER_S while it keeps up (p99 latency: output record timestamp − the
// input's produce time). Dropped spans = spans ended − spans exported after a flush.
// The machine is shared (the broker, other processes): the runtime runs ROUNDS times, traced and
// untraced alternating, and each figure is the median over its rounds.
// Run: pnpm bench hop   (or: node bench/hop.bench.ts)

import { randomUUID } from 'node:crypto';
import { bufferGetter, createHop, overwriteSetter, readEnv, toConfig } from '@adtrace/stream';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { type Kafka, Kafka as KafkaClient, logLevel, Partitioners } from 'kafkajs';

const BACKLOG = 20_000;
const PACED = 600;
const PACE_PER_S = 200;
const PARTITIONS = 3;
const PAD = 'x'.repeat(300); // a few hundred bytes, like a small ad event
const ROUNDS = 3;

type Value = { i: number; t: number; paced: boolean; pad: string; hop?: string };
const decode = (b: Buffer): Value => JSON.parse(b.toString('utf8'));
const encode = (v: Value): Buffer => Buffer.from(JSON.stringify(v));
const transform = (v: Value): Value => ({ ...v, hop: 'bench' });

interface Measured {
  msgsPerS: number;
  p99Ms: number;
  /** This process's CPU per message while the backlog is handled (the runtime runs in-process). */
  cpuUsPerMsg: number;
}

async function produce(kafka: Kafka, topic: string, from: number, count: number, paced: boolean): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const message = (i: number) => ({
    key: `user-${i % 97}`,
    value: encode({ i, t: Date.now(), paced, pad: PAD }),
    headers: {
      traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().slice(0, 16).replace('-', '0')}-01`,
      'adtrace.event-id': `e${i}`,
    },
  });
  if (paced) {
    const start = performance.now();
    for (let n = 0; n < count; n++) {
      const due = start + (n * 1000) / PACE_PER_S;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      await producer.send({ topic, acks: 1, messages: [message(from + n)] });
    }
  } else {
    for (let n = 0; n < count; n += 1000) {
      const messages = Array.from({ length: Math.min(1000, count - n) }, (_, k) => message(from + n + k));
      await producer.send({ topic, messages });
    }
  }
  await producer.disconnect();
}

async function total(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

async function waitCount(kafka: Kafka, topic: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await total(kafka, topic)) < n) {
    if (Date.now() > deadline) throw new Error(`${topic}: fewer than ${n} outputs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Output timestamps → backlog throughput and the paced messages' p99 latency. */
async function measure(kafka: Kafka, topic: string, n: number): Promise<Omit<Measured, 'cpuUsPerMsg'>> {
  const consumer = kafka.consumer({ groupId: `bench-read-${randomUUID()}`, maxBytesPerPartition: 8 << 20 });
  const rows: { ts: number; v: Value }[] = [];
  let done = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) rows.push({ ts: Number(m.timestamp), v: decode(m.value!) });
      if (rows.length >= n) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
  clearTimeout(timer);
  await consumer.disconnect();
  const backlog = rows.filter((r) => !r.v.paced).map((r) => r.ts);
  const msgsPerS = (backlog.length - 1) / ((Math.max(...backlog) - Math.min(...backlog)) / 1000);
  const lat = rows
    .filter((r) => r.v.paced)
    .map((r) => r.ts - r.v.t)
    .sort((a, b) => a - b);
  return { msgsPerS, p99Ms: lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))] ?? Number.NaN };
}

async function pipeline(
  kafka: Kafka,
  label: string,
  start: (input: string, output: string) => Promise<() => Promise<void>>,
): Promise<Measured> {
  const admin = kafka.admin();
  await admin.connect();
  const [input, output] = [
    `bench.hop.${label}.in.${randomUUID().slice(0, 6)}`,
    `bench.hop.${label}.out.${randomUUID().slice(0, 6)}`,
  ];
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, output].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  try {
    await produce(kafka, input, 0, BACKLOG, false);
    const cpu = process.cpuUsage();
    const stop = await start(input, output);
    let cpuUsPerMsg: number;
    try {
      await waitCount(kafka, output, BACKLOG, 90_000);
      const used = process.cpuUsage(cpu);
      cpuUsPerMsg = (used.user + used.system) / BACKLOG;
      await produce(kafka, input, BACKLOG, PACED, true);
      await waitCount(kafka, output, BACKLOG + PACED, 30_000);
    } finally {
      await stop();
    }
    return { ...(await measure(kafka, output, BACKLOG + PACED)), cpuUsPerMsg };
  } finally {
    await admin.deleteTopics({ topics: [input, output] }).catch(() => {});
    await admin.disconnect();
  }
}

function runtime(brokers: readonly string[], deadLetterTopic: string) {
  return async (input: string, output: string) => {
    const hop = createHop({
      name: `bench-hop-${randomUUID().slice(0, 8)}`,
      log: (level, message) => level === 'error' && console.error(message),
      config: toConfig({ brokers: [...brokers], deadLetterTopic, batchSize: 500 }),
      inputs: { in: { topic: input, decode } },
      outputs: { out: { topic: output, encode } },
      handler: (m) => [{ to: 'out', value: transform(m.value) }],
    });
    await hop.start();
    return () => hop.stop();
  };
}

function naive(kafka: Kafka) {
  return async (input: string, output: string) => {
    const consumer = kafka.consumer({ groupId: `bench-naive-${randomUUID().slice(0, 8)}` });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: input, fromBeginning: true });
    const tracer = trace.getTracer('bench-naive');
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const parent = propagation.extract(ROOT_CONTEXT, message.headers, bufferGetter);
        const attributes = {
          'messaging.system': 'kafka',
          'messaging.destination.name': input,
          'messaging.operation.type': 'process',
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
        };
        const span = tracer.startSpan(`process ${input}`, { kind: SpanKind.CONSUMER, attributes }, parent);
        const ctx = trace.setSpan(parent, span);
        const value = encode(transform(decode(message.value!)));
        const send = tracer.startSpan(
          `send ${output}`,
          {
            kind: SpanKind.PRODUCER,
            attributes: {
              'messaging.system': 'kafka',
              'messaging.destination.name': output,
              'messaging.operation.type': 'send',
            },
          },
          ctx,
        );
        const headers = { 'adtrace.event-id': message.headers?.['adtrace.event-id'] ?? '' };
        propagation.inject(trace.setSpan(ctx, send), headers, overwriteSetter);
        await producer.send({ topic: output, messages: [{ key: message.key, value, headers }] });
        send.end();
        span.end();
      },
    });
    return async () => {
      await consumer.disconnect();
      await producer.disconnect();
    };
  };
}

function registerTracing() {
  let ended = 0;
  let exported = 0;
  // Counts every ended span, beside the batch processor, which drops silently when its queue is full.
  const counting = { onStart() {}, onEnd: () => void ended++, forceFlush: async () => {}, shutdown: async () => {} };
  const exporter: SpanExporter = {
    export: (spans: ReadableSpan[], done: (r: { code: number }) => void) => {
      exported += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  // Sized for thousands of messages per second × two spans each; the defaults (queue 2048, 5 s) drop.
  const batch = new BatchSpanProcessor({
    exporter,
    maxQueueSize: 65_536,
    maxExportBatchSize: 4096,
    scheduledDelayMillis: 200,
  });
  const provider = new TracerProvider({ spanProcessors: [counting, batch] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    async finish() {
      await provider.forceFlush();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      return { ended, exported, dropped: ended - exported };
    },
  };
}

const round = (x: number, digits = 0): number => Number(x.toFixed(digits));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medians = (runs: Measured[]): Measured => ({
  msgsPerS: median(runs.map((r) => r.msgsPerS)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  cpuUsPerMsg: median(runs.map((r) => r.cpuUsPerMsg)),
});

export default async function run(): Promise<{
  figures: Record<string, number>;
  ratios: Record<string, number>;
  table: string;
}> {
  const { brokers } = toConfig(readEnv('BENCH'));
  const kafka = new KafkaClient({ clientId: 'bench-hop', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const dlq = `bench.hop.dlq.${randomUUID().slice(0, 6)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: dlq, numPartitions: 1 }] });
  try {
    const spans = { ended: 0, exported: 0, dropped: 0 };
    const traced = async <T>(run: () => Promise<T>): Promise<T> => {
      const tracing = registerTracing();
      const result = await run();
      const counted = await tracing.finish();
      spans.ended += counted.ended;
      spans.exported += counted.exported;
      spans.dropped += counted.dropped;
      return result;
    };
    const naiveResult = await traced(() => pipeline(kafka, 'naive', naive(kafka)));
    const [tracedRuns, untracedRuns] = [[] as Measured[], [] as Measured[]];
    for (let r = 0; r < ROUNDS; r++) {
      untracedRuns.push(await pipeline(kafka, 'untraced', runtime(brokers, dlq)));
      tracedRuns.push(await traced(() => pipeline(kafka, 'traced', runtime(brokers, dlq))));
    }
    const [withTracing, untraced] = [medians(tracedRuns), medians(untracedRuns)];
    const figures = {
      messages: BACKLOG,
      runtime_traced_msgs_per_s: round(withTracing.msgsPerS),
      runtime_untraced_msgs_per_s: round(untraced.msgsPerS),
      naive_msgs_per_s: round(naiveResult.msgsPerS),
      runtime_traced_p99_ms: round(withTracing.p99Ms, 1),
      runtime_untraced_p99_ms: round(untraced.p99Ms, 1),
      naive_p99_ms: round(naiveResult.p99Ms, 1),
      spans_ended: spans.ended,
      spans_exported: spans.exported,
      dropped_spans: spans.dropped,
      // What tracing adds per message (two spans, process and send, through the SDK), in wall
      // time and in this process's CPU, which the broker on the same cores does not get.
      tracing_us_per_msg: round(1e6 / withTracing.msgsPerS - 1e6 / untraced.msgsPerS, 1),
      runtime_traced_cpu_us_per_msg: round(withTracing.cpuUsPerMsg, 1),
      runtime_untraced_cpu_us_per_msg: round(untraced.cpuUsPerMsg, 1),
    };
    const ratios = {
      throughput_vs_naive: round(withTracing.msgsPerS / naiveResult.msgsPerS, 2),
      throughput_traced_vs_untraced: round(withTracing.msgsPerS / untraced.msgsPerS, 2),
    };
    const row = (name: string, m: Measured) =>
      `| ${name.padEnd(32)} | ${String(round(m.msgsPerS)).padStart(8)} | ${String(round(m.p99Ms, 1)).padStart(12)} | ${String(round(m.cpuUsPerMsg, 1)).padStart(10)} |`;
    const table = [
      `${BACKLOG} backlog messages per pipeline (throughput), then ${PACED} at ${PACE_PER_S}/s (p99 latency); ${PARTITIONS} partitions; runtime: median of ${ROUNDS} rounds`,
      '| pipeline                         |    msg/s | p99 hop (ms) | CPU µs/msg |',
      '| -------------------------------- | -------: | -----------: | ---------: |',
      row('runtime, tracing on', withTracing),
      row('runtime, tracing off', untraced),
      row('naive eachMessage + send, traced', naiveResult),
      `spans ended ${spans.ended}, exported ${spans.exported}, dropped ${spans.dropped}; tracing adds ${figures.tracing_us_per_msg} µs per message`,
      `throughput vs naive ×${ratios.throughput_vs_naive} (goal ≥ 5); traced/untraced ${ratios.throughput_traced_vs_untraced} (goal ≥ 0.9)`,
    ].join('\n');
    return { figures, ratios, table };
  } finally {
    await admin.deleteTopics({ topics: [dlq] }).catch(() => {});
    await admin.disconnect();
  }
}

if (import.meta.main) {
  const result = await run();
  console.log(result.table);
  console.log(JSON.stringify({ figures: result.figures, ratios: result.ratios }));
}
