// Records per topic, counted by reading the topics read_committed — what the live view's rates
// and dead-letter count are made of. A topic's end offset is not a record count: in the
// exactly-once pipeline every transaction also writes a commit marker into each partition it
// touched, which takes an offset (ingest's output grew by 40 offsets/s for 20 requests/s), and
// an aborted transaction's records take offsets too. A read_committed consumer is handed neither.
//
// Why a reader and not the services' own counters or the warehouse's spans: the services'
// `adtrace.stream.produced` counts per input topic, misses the outputs of idle ticks (aggregation's
// window flushes) and restarts with its process; spans are sampled (ADTRACE_TRACE_SAMPLE_RATIO)
// and reach the warehouse seconds late under load. The reader sees exactly what the topics hold,
// for the price of fetching what the pipeline writes once more (measured in the cli README).
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

export interface CountedTopics {
  /** Counted from about now on (each partition's end when the reader joins): for rates, which are differences. */
  readonly fromNow: readonly string[];
  /** Counted from each partition's beginning: every record the topic holds (totals, e.g. dead letters). */
  readonly fromBeginning: readonly string[];
}

export interface RecordCounter {
  /** Records seen per topic so far (committed ones only), from the start point of each topic. */
  counts(): ReadonlyMap<string, number>;
  /**
   * When the counts were last brought up to date (ms since the epoch; 0 before the first fetch):
   * the time of the reader's last fetch, empty or not. Rates divide by the time between two of
   * these, not between two ticks: a fetch waits up to a second for data, so a tick's counts can
   * be that old. (A reading taken between a fetch's answer and its batches being counted, a few
   * ms, is one fetch short; the next reading makes up for it.)
   */
  asOf(): number;
  /** Set when the reader stopped for good (kafkajs gave up); the counts then stand still. */
  readonly failure: Error | undefined;
  /** Stops reading and deletes its consumer group. */
  stop(): Promise<void>;
}

/**
 * One fetch a second, unless a MiB has come sooner: measured at the demo's 20 requests/s (~210
 * records/s), the reader took 22–28 ms of CPU per second so, and 107–111 ms with kafkajs's
 * defaults (minBytes 1: a fetch answered as soon as any partition has a record, dozens a second).
 * The cli README, "The live view", has the runs.
 */
const FETCH = { maxWaitTimeInMs: 1000, minBytes: 1024 * 1024 };

/**
 * How often the reader commits where it is. Not kafkajs's autoCommit: with `eachBatch` kafkajs
 * 2.2.4 commits after every batch whatever `autoCommitInterval` says (runner.js
 * `autoCommitOffsets`), and the view's reader, one batch per partition of 11 topics, sent ~35
 * OffsetCommit requests a second to the broker at the demo's 20 requests/s.
 */
const COMMIT_INTERVAL_MS = 5000;

export interface RecordCounterOptions {
  readonly maxWaitTimeInMs?: number;
  readonly minBytes?: number;
  readonly commitIntervalMs?: number;
}

/**
 * Starts a reader of `topics` under a throwaway consumer group (deleted by `stop`). It commits
 * where it is every few seconds, so after a broker restart kafkajs resumes near where it was; a record handed over
 * twice (fetched again after a resume) is counted once: per partition, only offsets past the
 * last one counted are. (The group's start offsets are left to the offset reset, from the end or
 * the beginning: setting them first with kafkajs's `admin.setOffsets`, one call per topic, took
 * 55 s for the view's 11 topics in the test, and a rate does not need an exact start.)
 */
export async function startRecordCounter(
  kafka: Kafka,
  topics: CountedTopics,
  options: RecordCounterOptions = {},
): Promise<RecordCounter> {
  const groupId = `adtrace-live-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  let stopped = false;
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? FETCH.maxWaitTimeInMs,
    minBytes: options.minBytes ?? FETCH.minBytes,
    // kafkajs restarts a consumer that crashed on a retriable error (the broker away) on a timer,
    // and `disconnect` does not stop a restart already under way: never restart once stopped.
    retry: { retries: 5, initialRetryTime: 300, restartOnFailure: async () => !stopped },
  });
  // …and a restart that was under way when `stop` came and got through is stopped again, or
  // its connections would keep the process alive after `adtrace start` has stopped.
  const stopAgain = () => {
    if (stopped) void consumer.disconnect().catch(() => {});
  };
  consumer.on(consumer.events.GROUP_JOIN, stopAgain);
  const counts = new Map<string, number>();
  /** Per topic|partition, the next offset that counts. */
  const next = new Map<string, number>();
  let failure: Error | undefined;
  let asOf = 0;
  let commits: NodeJS.Timeout | undefined;
  /** Per topic|partition, the offset last committed. */
  const committed = new Map<string, number>();
  const commitCounted = async () => {
    const changed = [...next].filter(([key, offset]) => committed.get(key) !== offset);
    if (stopped || changed.length === 0) return;
    const offsets = changed.map(([key, offset]) => {
      const at = key.lastIndexOf('|');
      return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset) };
    });
    try {
      await consumer.commitOffsets(offsets);
      for (const [key, offset] of changed) committed.set(key, offset);
    } catch {
      // A rebalance or the broker away: the next interval tries again; counts do not depend on it.
    }
  };
  try {
    await admin.connect();
    for (const t of [...topics.fromNow, ...topics.fromBeginning]) counts.set(t, 0);
    await consumer.connect();
    if (topics.fromNow.length > 0) await consumer.subscribe({ topics: [...topics.fromNow], fromBeginning: false });
    if (topics.fromBeginning.length > 0)
      await consumer.subscribe({ topics: [...topics.fromBeginning], fromBeginning: true });
    consumer.on(consumer.events.FETCH, () => {
      asOf = Date.now();
      stopAgain();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) failure = e.payload.error;
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}|${batch.partition}`;
        let from = next.get(key) ?? 0;
        let seen = 0;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset < from) continue;
          seen += 1;
          from = offset + 1;
        }
        next.set(key, from);
        counts.set(batch.topic, (counts.get(batch.topic) ?? 0) + seen);
      },
    });
    commits = setInterval(() => void commitCounted(), options.commitIntervalMs ?? COMMIT_INTERVAL_MS).unref();
  } catch (err) {
    clearInterval(commits);
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
    throw err;
  }
  return {
    counts: () => counts,
    asOf: () => asOf,
    get failure() {
      return failure;
    },
    async stop() {
      stopped = true;
      clearInterval(commits);
      // Bounded: a broker that is away must not hold up the way out.
      await within(5000, consumer.disconnect());
      await within(5000, admin.deleteGroups([groupId]));
      await within(5000, admin.disconnect());
    },
  };
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
