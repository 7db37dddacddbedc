import { randomUUID } from 'node:crypto';
import { Topics } from '@adtrace/schemas';
import { DeadLetterHeaders, findHeader, Headers } from '@adtrace/stream';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';

export interface ReplayFilter {
  readonly stage?: string;
  readonly code?: string;
  readonly originalTopic?: string;
  /** Only letters dead-lettered at or after this time (ms since the epoch). */
  readonly sinceMs?: number;
}

export interface ReplayedLetter {
  readonly deadLetter: string; // topic/partition@offset of the dead letter
  readonly originalTopic: string;
  readonly stage: string | undefined;
  readonly code: string | undefined;
  readonly eventId: string | undefined;
}

/** Where a replayed message came from, so a replay can be told apart and audited downstream. */
export const REPLAY_OF_HEADER = 'adtrace.replay-of';
const dlqHeaderNames = new Set<string>(Object.values(DeadLetterHeaders));

function matches(m: KafkaMessage, f: ReplayFilter): boolean {
  const h = (name: string) => findHeader(m.headers, name);
  if (f.stage && h(DeadLetterHeaders.stage) !== f.stage) return false;
  if (f.code && h(DeadLetterHeaders.code) !== f.code) return false;
  if (f.originalTopic && h(DeadLetterHeaders.originalTopic) !== f.originalTopic) return false;
  if (f.sinceMs !== undefined && Number(h(DeadLetterHeaders.deadLetteredAt) ?? 0) < f.sinceMs) return false;
  return true;
}

/** The original headers, traceparent included (so the retry continues the event's trace). */
function originalHeaders(m: KafkaMessage, replayOf: string): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (!dlqHeaderNames.has(name) && name !== REPLAY_OF_HEADER && value !== undefined) headers[name] = value;
  }
  headers[REPLAY_OF_HEADER] = replayOf;
  return headers;
}

/**
 * The original record's time (its dead letter's header): a replay keeps its event time. A bid
 * request replayed an hour later is judged by the auction against its tmax from when upstream
 * sent it (a TIMEOUT no-fill, not an impression served and billed an hour late); a click or a
 * conversion keeps its place in the attribution windows and its ROAS window.
 */
function originalTimestamp(m: KafkaMessage): string | undefined {
  const t = findHeader(m.headers, DeadLetterHeaders.originalTimestamp);
  return t !== undefined && /^\d{1,15}$/.test(t) ? t : undefined;
}

/** Reads the dead-letter topics from their start to their end as of now, under a throwaway group. */
async function readToEnd(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (m: KafkaMessage, topic: string, partition: number) => void,
) {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `adtrace-dlq-replay-${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId });
  try {
    const ends = new Map<string, bigint>();
    const pending = new Set<string>();
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}/${p.partition}`, BigInt(p.high));
        // low = high: empty, or every record gone by retention (the raw topic keeps 7 days).
        if (BigInt(p.high) > BigInt(p.low)) pending.add(`${topic}/${p.partition}`);
      }
    if (pending.size === 0) return;
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // Done by each batch's last offset, not the last message's: the exactly-once stages write
      // their dead letters in transactions, so a partition ends in a commit marker no message has.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const tp = `${payload.topic}/${payload.partition}`;
        const end = ends.get(tp);
        if (end !== undefined && BigInt(payload.lastOffset) >= end - 1n && pending.delete(tp) && pending.size === 0)
          resolve();
      });
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            if (BigInt(message.offset) < ends.get(`${topic}/${partition}`)!) onMessage(message, topic, partition);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}

/**
 * Both dead-letter topics: the raw one holds the raw topics' letters (ingest's invalid bid
 * requests, tracking's forged or expired clicks), the ones most worth replaying after a fix.
 */
export const DEFAULT_DEAD_LETTER_TOPICS: readonly string[] = [Topics.deadLettersRaw, Topics.deadLetters];

/**
 * Sends the matching dead letters of `deadLetterTopics` (default both) back to the topics they
 * came from, with their original key, value and headers (plus `adtrace.replay-of`, naming the
 * dead letter's topic, partition and offset), after a fix. A letter replayed twice is sent
 * twice: the consumers de-duplicate by event id. `dryRun` only lists what would be sent.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  options: { filter?: ReplayFilter; deadLetterTopics?: readonly string[]; dryRun?: boolean } = {},
): Promise<ReplayedLetter[]> {
  const topics = options.deadLetterTopics ?? DEFAULT_DEAD_LETTER_TOPICS;
  const chosen: Array<{ letter: ReplayedLetter; message: KafkaMessage }> = [];
  await readToEnd(kafka, topics, (message, topic, partition) => {
    const originalTopic = findHeader(message.headers, DeadLetterHeaders.originalTopic);
    if (!originalTopic || !matches(message, options.filter ?? {})) return;
    const letter: ReplayedLetter = {
      deadLetter: `${topic}/${partition}@${message.offset}`,
      originalTopic,
      stage: findHeader(message.headers, DeadLetterHeaders.stage),
      code: findHeader(message.headers, DeadLetterHeaders.code),
      eventId: findHeader(message.headers, Headers.eventId),
    };
    chosen.push({ letter, message });
  });
  if (!options.dryRun && chosen.length > 0) {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const byTopic = Map.groupBy(chosen, (c) => c.letter.originalTopic);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([original, items]) => ({
          topic: original,
          messages: items.map(({ letter, message }) => {
            const timestamp = originalTimestamp(message);
            return {
              key: message.key,
              value: message.value,
              headers: originalHeaders(message, letter.deadLetter),
              ...(timestamp !== undefined && { timestamp }),
            };
          }),
        })),
      });
    } finally {
      await producer.disconnect();
    }
  }
  return chosen.map((c) => c.letter);
}
