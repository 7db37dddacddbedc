// Where an event's time goes in one exactly-once hop, step by step: the calls the runtime's
// kafkajs port makes (kafka/kafkajs.ts) done by hand so each can be timed — a read_committed
// group consumer, and per fetched batch one transaction on a transactional producer:
// send (AddPartitionsToTxn + Produce), sendOffsets (AddOffsetsToTxn + TxnOffsetCommit), commit
// (EndTxn) — then the time until a read_committed consumer of the output sees the record (the
// commit markers written, the LSO moved, the next hop's fetch answered). Paced input at a low
// rate (the path's own latency, not queueing), once with kafkajs's default retry (first retry
// after 300 ms) and once with the runtime's transactional retry (20 ms, ×4).
// Then transactions back to back (one producer, a one-record transaction after another, as a member
// under load runs them): the next begun at once, and AFTER_TRANSACTION_PAUSE_MS after the last
// ended, as the runtime does — the coordinator is still writing the last one's markers right
// after EndTxn and answers CONCURRENT_TRANSACTIONS. And the runtime's own exactly-once hop
// (createHop, 3 partitions) paced at a moderate rate, its e2e produce → read committed.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { AFTER_TRANSACTION_PAUSE_MS, createHop, toConfig } from '@adtrace/stream';
import { CompressionTypes, Kafka, logLevel, type RetryOptions } from 'kafkajs';
import type { BenchResult } from './run.ts';

const RATE = 20;
const SECONDS = 10;
const BACK_TO_BACK_SECONDS = 4;
const RUNTIME_RATE = 300;
const RUNTIME_SECONDS = 8;
const STEPS = ['fetched', 'send', 'offsets', 'commit', 'visible', 'e2e'] as const;
type Step = (typeof STEPS)[number];

interface Variant {
  readonly label: string;
  readonly retry?: RetryOptions;
}

const VARIANTS: Variant[] = [
  { label: 'kafkajs default retry' },
  { label: 'runtime retry (20 ms ×4)', retry: { initialRetryTime: 20, multiplier: 4 } },
];

async function measure(kafka: Kafka, variant: Variant): Promise<Record<Step, number[]>> {
  const run = randomUUID().slice(0, 8);
  const [input, output, group] = [`bench.hop-latency.in.${run}`, `bench.hop-latency.out.${run}`, `bench-hl-${run}`];
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: 1 },
      { topic: output, numPartitions: 1 },
    ],
  });
  const steps = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
  const committedAt = new Map<string, number>();
  const source = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const txProducer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId: `bench-hl-${run}`,
    transactionTimeout: 60_000,
    ...(variant.retry ? { retry: variant.retry } : {}),
  });
  const hop = kafka.consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 1000 });
  const next = kafka.consumer({ groupId: `${group}-next`, readUncommitted: false, maxWaitTimeInMs: 1000 });
  try {
    await Promise.all([source.connect(), txProducer.connect(), hop.connect(), next.connect()]);
    await (await txProducer.transaction()).abort(); // initializes the id, as the port does at connect
    await hop.subscribe({ topic: input, fromBeginning: true });
    await next.subscribe({ topic: output, fromBeginning: true });
    await hop.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        const t0 = Date.now();
        for (const m of batch.messages) steps.fetched.push(t0 - Number(m.timestamp));
        const txn = await txProducer.transaction();
        const messages = batch.messages.map((m) => ({ value: m.value, timestamp: m.timestamp }));
        await txn.sendBatch({
          topicMessages: [{ topic: output, messages }],
          acks: -1,
          compression: CompressionTypes.None, // as the runtime's port sends by default
        });
        const t1 = Date.now();
        const offset = String(BigInt(batch.messages.at(-1)!.offset) + 1n);
        await txn.sendOffsets({
          consumerGroupId: group,
          topics: [{ topic: input, partitions: [{ partition: 0, offset }] }],
        });
        const t2 = Date.now();
        await txn.commit();
        const t3 = Date.now();
        steps.send.push(t1 - t0);
        steps.offsets.push(t2 - t1);
        steps.commit.push(t3 - t2);
        for (const m of batch.messages) committedAt.set(String(m.value), t3);
        resolveOffset(batch.messages.at(-1)!.offset);
      },
    });
    await next.run({
      eachMessage: async ({ message }) => {
        const now = Date.now();
        steps.e2e.push(now - Number(message.timestamp));
        const committed = committedAt.get(String(message.value));
        if (committed !== undefined) steps.visible.push(now - committed);
      },
    });
    await new Promise((r) => setTimeout(r, 3000)); // both joined
    const start = performance.now();
    for (let i = 0; performance.now() - start < SECONDS * 1000; i++) {
      await source.send({
        topic: input,
        acks: -1,
        messages: [{ value: `${run}-${i}`, timestamp: String(Date.now()) }],
      });
      await new Promise((r) => setTimeout(r, Math.max(0, start + ((i + 1) * 1000) / RATE - performance.now())));
    }
    await new Promise((r) => setTimeout(r, 3000));
    return steps;
  } finally {
    await Promise.all([hop.disconnect(), next.disconnect(), source.disconnect(), txProducer.disconnect()]);
    await admin.deleteTopics({ topics: [input, output] }).catch(() => {});
    await admin.disconnect();
  }
}

/** One-record transactions in a loop for BACK_TO_BACK_SECONDS, each begun `pauseMs` after the last ended. */
async function backToBack(kafka: Kafka, pauseMs: number): Promise<{ perS: number; sendMs: number[] }> {
  const run = randomUUID().slice(0, 8);
  const topic = `bench.hop-latency.b2b.${run}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId: `bench-b2b-${run}`,
    retry: VARIANTS[1]!.retry!,
  });
  try {
    await producer.connect();
    await (await producer.transaction()).abort();
    const sendMs: number[] = [];
    const start = performance.now();
    for (let i = 0; performance.now() - start < BACK_TO_BACK_SECONDS * 1000; i++) {
      const t0 = performance.now();
      const txn = await producer.transaction();
      await txn.send({ topic, acks: -1, messages: [{ value: String(i) }] });
      sendMs.push(performance.now() - t0);
      await txn.sendOffsets({
        consumerGroupId: `bench-b2b-${run}`,
        topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
      });
      await txn.commit();
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
    return { perS: sendMs.length / ((performance.now() - start) / 1000), sendMs };
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

/** The runtime's exactly-once hop, RUNTIME_RATE messages/s for RUNTIME_SECONDS: produce → read committed, ms (the first 1.5 s left out: joins, metadata). */
async function runtimeHop(kafka: Kafka, brokers: string[]): Promise<number[]> {
  const run = randomUUID().slice(0, 8);
  const [input, output, dlq] = ['in', 'out', 'dlq'].map((t) => `bench.hop-latency.runtime.${t}.${run}`) as [
    string,
    string,
    string,
  ];
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, output, dlq].map((topic) => ({ topic, numPartitions: 3 })),
  });
  const hop = createHop({
    name: `bench-hl-runtime-${run}`,
    mode: 'exactly-once',
    log: (level, message) => level === 'error' && console.error(message),
    config: toConfig({ brokers, deadLetterTopic: dlq }),
    inputs: { in: { topic: input, decode: (b: Buffer) => JSON.parse(b.toString()) as { t: number } } },
    outputs: { out: { topic: output, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    handler: (m) => [{ to: 'out', value: m.value }],
  });
  const source = kafka.producer();
  const reader = kafka.consumer({ groupId: `bench-hl-runtime-read-${run}`, maxWaitTimeInMs: 1000 });
  const seen: { t: number; ms: number }[] = [];
  try {
    await Promise.all([hop.start(), source.connect(), reader.connect()]);
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const { t } = JSON.parse(message.value!.toString()) as { t: number };
        seen.push({ t, ms: Date.now() - t });
      },
    });
    await new Promise((r) => setTimeout(r, 2000));
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < RUNTIME_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * RUNTIME_RATE) - sent;
      if (due > 0) {
        const messages = Array.from({ length: due }, (_, j) => ({ key: String(sent + j), value: '' }));
        for (const m of messages) m.value = JSON.stringify({ t: Date.now() });
        await source.send({ topic: input, messages });
        sent += due;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 30_000;
    while (seen.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const first = Math.min(...seen.map((s) => s.t));
    return seen.filter((s) => s.t >= first + 1500).map((s) => s.ms);
  } finally {
    await hop.stop();
    await Promise.all([source.disconnect(), reader.disconnect()]);
    await admin.deleteTopics({ topics: [input, output, dlq] }).catch(() => {});
    await admin.disconnect();
  }
}

const pct = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;

export default async function run(): Promise<BenchResult> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const kafka = new Kafka({ clientId: 'bench-hop-latency', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const figures: Record<string, number> = {};
  const rows: string[] = [];
  const load = loadavg()[0]!;
  for (const [i, variant] of VARIANTS.entries()) {
    const steps = await measure(kafka, variant);
    const tag = i === 0 ? 'default_retry' : 'runtime_retry';
    for (const s of STEPS) {
      figures[`${s}_p50_ms_${tag}`] = pct(steps[s], 0.5);
      figures[`${s}_p99_ms_${tag}`] = pct(steps[s], 0.99);
    }
    rows.push(
      `${variant.label.padEnd(28)}${STEPS.map((s) => `${pct(steps[s], 0.5)} / ${pct(steps[s], 0.99)}`.padStart(18)).join('')}`,
    );
  }
  const atOnce = await backToBack(kafka, 0);
  const paused = await backToBack(kafka, AFTER_TRANSACTION_PAUSE_MS);
  const runtime = await runtimeHop(kafka, brokers.split(','));
  Object.assign(figures, {
    back_to_back_txn_per_s_at_once: Math.round(atOnce.perS),
    back_to_back_txn_per_s_paused: Math.round(paused.perS),
    back_to_back_send_p50_ms_at_once: Math.round(pct(atOnce.sendMs, 0.5) * 10) / 10,
    back_to_back_send_p50_ms_paused: Math.round(pct(paused.sendMs, 0.5) * 10) / 10,
    runtime_e2e_p50_ms: pct(runtime, 0.5),
    runtime_e2e_p90_ms: pct(runtime, 0.9),
    runtime_e2e_p99_ms: pct(runtime, 0.99),
  });
  const table = [
    `One exactly-once hop by hand (kafkajs, as the runtime's port), ${RATE} events/s for ${SECONDS} s, 1 partition; ms p50 / p99`,
    `${''.padEnd(28)}${['produced→fetched', 'send', 'sendOffsets', 'commit', 'commit→visible', 'e2e'].map((s) => s.padStart(18)).join('')}`,
    ...rows,
    `load average ${load.toFixed(1)} at start (shared machine); produced→fetched includes waiting for the batch before`,
    `back-to-back transactions (one record each, ${BACK_TO_BACK_SECONDS} s): the next at once ${figures.back_to_back_txn_per_s_at_once}/s (send p50 ${figures.back_to_back_send_p50_ms_at_once} ms); ${AFTER_TRANSACTION_PAUSE_MS} ms after the last, as the runtime ${figures.back_to_back_txn_per_s_paused}/s (send p50 ${figures.back_to_back_send_p50_ms_paused} ms)`,
    `the runtime's exactly-once hop (3 partitions) at ${RUNTIME_RATE} messages/s: produce → read committed p50 ${figures.runtime_e2e_p50_ms}, p90 ${figures.runtime_e2e_p90_ms}, p99 ${figures.runtime_e2e_p99_ms} ms (${runtime.length} messages)`,
  ].join('\n');
  const ratios = {
    send_p99_runtime_vs_default:
      Math.round((figures.send_p99_ms_runtime_retry! / figures.send_p99_ms_default_retry!) * 100) / 100,
    e2e_p99_runtime_vs_default:
      Math.round((figures.e2e_p99_ms_runtime_retry! / figures.e2e_p99_ms_default_retry!) * 100) / 100,
    back_to_back_paused_vs_at_once:
      Math.round((figures.back_to_back_txn_per_s_paused! / figures.back_to_back_txn_per_s_at_once!) * 100) / 100,
  };
  return { table, figures, ratios };
}
