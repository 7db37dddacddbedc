import { randomBytes, randomUUID } from 'node:crypto';
import { type IHeaders, Kafka, type KafkaMessage, logLevel, Partitioners } from 'kafkajs';

export function kafkaFor(brokers: string[], clientId = 'stream-test'): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

export interface Input {
  readonly i: number;
  readonly eventId: string;
  readonly key: string;
  readonly traceId: string;
  /** The upstream producer span: the first hop's process span must be its child. */
  readonly spanId: string;
}

/** n inputs, each with its own trace (a synthetic upstream producer span) and event id. */
export function makeInputs(n: number, keys = 17): Input[] {
  return Array.from({ length: n }, (_, i) => ({
    i,
    eventId: `evt-${i}-${randomUUID().slice(0, 8)}`,
    key: `user-${i % keys}`,
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
  }));
}

export async function produceInputs(
  kafka: Kafka,
  topic: string,
  inputs: readonly Input[],
  value: (input: Input) => Buffer | string = (x) => JSON.stringify({ i: x.i }),
): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: inputs.map((x) => ({
        key: x.key,
        value: value(x),
        headers: { traceparent: `00-${x.traceId}-${x.spanId}-01`, 'adtrace.event-id': x.eventId },
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === undefined ? undefined : last.toString();
}

export function traceIdOf(headers: IHeaders | undefined): string | undefined {
  return header(headers, 'traceparent')?.split('-')[1];
}

/**
 * Every committed record of `topic` up to its current end offsets (read committed), so a test
 * sees exactly what a downstream consumer would, duplicates included. Bounded by timeoutMs.
 */
export async function drainTopic(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  for (const p of await admin.fetchTopicOffsets(topic))
    if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
  await admin.disconnect();
  const out: KafkaMessage[] = [];
  if (ends.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `drain-${randomUUID()}`, maxWaitTimeInMs: 100 });
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const end = ends.get(payload.partition);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) ends.delete(payload.partition);
    if (ends.size === 0) finish();
  });
  const timer = setTimeout(finish, timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void out.push(...batch.messages) });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  if (ends.size > 0) throw new Error(`drain of ${topic} timed out with partitions ${[...ends.keys()]} unread`);
  return out;
}

/** Polls `check` until it returns a value; bounded, so a broken runtime fails instead of hanging. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Committed offsets of a group, summed over partitions: how many inputs it has acknowledged. A
 * retriable refusal (a freshly started broker still loading its offsets partition) is asked again.
 */
export async function committedCount(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return (entry?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      } catch (error) {
        if ((error as { retriable?: boolean }).retriable !== true || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
