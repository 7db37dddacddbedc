// Where an event's time goes in one exactly-once hop, step by step: the calls the runtime's
// kafkajs port makes (kafka/kafkajs.ts) done by hand so each can be timed — a read_committed
// group consumer, and per fetched batch one transaction on a transactional producer:
// send (AddPartitionsToTxn + Produce), sendOffsets (AddOffsetsToTxn + TxnOffsetCommit), commit
// (EndTxn) — then the time until a read_committed consumer of the output sees the record (the
// commit markers written, the LSO moved, the next hop's fetch answered). Paced input at a low
// rate (the path's own latency, not queueing), once with kafkajs's default retry (first retry
// after 300 ms) and once with the runtime's transactional retry (20 ms, ×4).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { CompressionTypes, Kafka, logLevel, type RetryOptions } from 'kafkajs';
import type { BenchResult } from './run.ts';

const RATE = 20;
const SECONDS = 10;
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
  const table = [
    `One exactly-once hop by hand (kafkajs, as the runtime's port), ${RATE} events/s for ${SECONDS} s, 1 partition; ms p50 / p99`,
    `${''.padEnd(28)}${['produced→fetched', 'send', 'sendOffsets', 'commit', 'commit→visible', 'e2e'].map((s) => s.padStart(18)).join('')}`,
    ...rows,
    `load average ${load.toFixed(1)} at start (shared machine); produced→fetched includes waiting for the batch before`,
  ].join('\n');
  const ratios = {
    send_p99_runtime_vs_default:
      Math.round((figures.send_p99_ms_runtime_retry! / figures.send_p99_ms_default_retry!) * 100) / 100,
    e2e_p99_runtime_vs_default:
      Math.round((figures.e2e_p99_ms_runtime_retry! / figures.e2e_p99_ms_default_retry!) * 100) / 100,
  };
  return { table, figures, ratios };
}
