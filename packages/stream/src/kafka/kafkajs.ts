import {
  type Admin,
  type Batch,
  CompressionTypes,
  type ConfigResourceTypes,
  type Consumer,
  type ICustomPartitioner,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  type Message,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import { runSuppressed } from '../suppress.ts';
import { restartWhileBrokerAway } from './broker-away.ts';
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';
import { Linger } from './linger.ts';
import { keyPartition } from './murmur2.ts';
import type {
  AdminPort,
  BatchPort,
  GroupConsumerOptions,
  GroupConsumerPort,
  KafkaPort,
  PortSettings,
  ProducerPort,
  ReaderOptions,
  ReaderPort,
  TopicMessages,
} from './port.ts';
import { untilStable } from './stable-offsets.ts';
import { unwrapInstrumentation } from './unwrap.ts';

/** kafkajs's ConfigResourceTypes.TOPIC (its CommonJS enum is not a named export Node's ESM loader can see). */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/**
 * Retries of a transactional producer's requests. Back-to-back transactions of one id meet
 * CONCURRENT_TRANSACTIONS on AddPartitionsToTxn while the coordinator is still writing the last
 * commit's markers (a few ms); kafkajs's default first retry waits 300 ms, which was the slowest
 * step of a hop at low rates (`pnpm bench hop-latency`). The Java producer retries that case
 * after 20 ms. Growing ×4 (20, 80, 320, 1,280, 5,120 ms: kafkajs's 5 retries) keeps most of
 * the default's budget (~7 s against ~9 s) for a broker that is really away (the default's
 * 30 s cap, not the 2 s of CLIENT_RETRY, lets the last pause be 5 s). (Setting `retries`
 * would make kafkajs warn that a limited idempotent producer may lose exactly-once.)
 */
const TRANSACTION_RETRY = { initialRetryTime: 20, multiplier: 4, maxRetryTime: 30_000 };

/**
 * Retries of every other request, at most 2 s apart (the Java clients' backoffs stop at 1 s).
 * A consumer that ran out of retries restarts after its last retry's delay, which by default
 * grows to 30 s: after a 15 s broker restart, each service resumed 4-14 s after the broker was
 * back, its requests waiting (a third to a half of a 20 events/s load's imps timed out).
 */
const CLIENT_RETRY = { maxRetryTime: 2_000 };

/**
 * How long the coordinator lets a transaction stay open before it aborts it (Kafka Streams'
 * exactly-once default). A member that dies mid-transaction holds its partitions' offsets that
 * long: their next owner waits for stable offsets (stable-offsets.ts). The platformatic client
 * sends its request timeout, 5 s.
 */
const TRANSACTION_TIMEOUT_MS = 10_000;

/** The broker default of message.max.bytes, for topics that do not override max.message.bytes. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** The client port on kafkajs 2.2.4: the default, and the only module of the runtime that imports kafkajs. */
export function kafkajsPort(settings: PortSettings): KafkaPort {
  const kafka = new Kafka(kafkaConfig(settings));
  const compression = settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const toKafkajs = (batches: readonly TopicMessages[]) =>
    batches.map(({ topic, messages }) => ({ topic, messages: messages as Message[] }));
  // The generation and member id of this port's consumer in each group it joined: a transaction's
  // offsets carry them (KIP-447), so a member that lost its partitions cannot commit for them.
  const members = new Map<string, GroupMembership>();
  return {
    async admin(fn) {
      const admin = await connectedAdmin(kafka);
      try {
        return await fn(adminPort(admin));
      } finally {
        await admin.disconnect();
      }
    },
    producer: (options = {}) =>
      producerPort(
        createProducer(kafka, options.transactionalId),
        options.transactionalId,
        compression,
        toKafkajs,
        members,
      ),
    groupConsumer: (options) => groupConsumerPort(kafka, options, members),
    reader: (options) => readerPort(kafka, options),
  };
}

/**
 * An admin client that knows the cluster's brokers. A new kafkajs admin knows only its seed
 * brokers until its first metadata request, so its first group-coordinator lookup finds the
 * coordinator's node id in an empty broker pool and retries after kafkajs's default 300 ms.
 * The runtime reads a group's committed offsets (fetchOffsets) on the first chunk of every input
 * partition in a generation (each-batch.ts, behindCommitted): that wait was every partition's
 * first record at every exactly-once hop, after each start and rebalance — 250–350 ms a hop,
 * most of the TIMEOUT no-fills of a pipeline's first seconds.
 */
export async function connectedAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeCluster();
    return admin;
  } catch (error) {
    await admin.disconnect().catch(() => {});
    throw error;
  }
}

function adminPort(admin: Admin): AdminPort {
  return {
    listTopics: () => admin.listTopics(),
    async partitionCounts(topics) {
      const existing = new Set(await admin.listTopics());
      const wanted = topics.filter((t) => existing.has(t));
      if (wanted.length === 0) return new Map();
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: wanted });
      return new Map(meta.map((t) => [t.name, t.partitions.length]));
    },
    async createTopics(topics) {
      if (topics.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: topics.map(({ topic, partitions, configs }) => ({
          topic,
          numPartitions: partitions,
          configEntries: Object.entries(configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    },
    endOffsets: (topic) => retryLeaderElection(() => admin.fetchTopicOffsets(topic)),
    async committed(group, topic) {
      const [entry] = await untilStable(() =>
        admin.fetchOffsets({ groupId: group, topics: [topic], requireStable: true }),
      );
      return new Map((entry?.partitions ?? []).map((p) => [p.partition, { offset: p.offset, metadata: p.metadata }]));
    },
    async maxMessageBytes(topics) {
      const out = new Map<string, number>();
      if (topics.length === 0) return out;
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: TOPIC_RESOURCE,
          name,
          configNames: ['max.message.bytes'],
        })),
      });
      for (const r of resources) {
        const value = Number(r.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
        out.set(r.resourceName, Number.isFinite(value) && value > 0 ? value : BROKER_DEFAULT_MAX_MESSAGE_BYTES);
      }
      return out;
    },
  };
}

/**
 * Idempotent, acks=all, one request in flight (kafkajs keeps order for idempotent producers only
 * with one). A transactional id makes `connect` initialize it, which fences older producers of
 * the same id and aborts (or completes) the transaction they left open. The stock
 * instrumentation's patches are removed from this instance: the runtime owns its send spans, and
 * a suppressed-but-wrapped send still costs its wrapper on every call.
 */
/**
 * kafkajs's DefaultPartitioner's choices (a record's own partition, else the Java client's
 * murmur2 of its key, else round-robin over the partitions with a leader), with the murmur2 of
 * murmur2.ts: kafkajs's costs ~4-6 µs per key, on every produced record.
 */
const javaCompatiblePartitioner: ICustomPartitioner = () => {
  let next = 0;
  return ({ partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) return keyPartition(message.key, partitionMetadata.length);
    const led = partitionMetadata.filter((p) => p.leader >= 0);
    const from = led.length > 0 ? led : partitionMetadata;
    return (from[next++ % from.length] as PartitionMetadata).partitionId;
  };
};

function createProducer(kafka: Kafka, transactionalId: string | undefined): Producer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: javaCompatiblePartitioner,
    ...(transactionalId
      ? { transactionalId, transactionTimeout: TRANSACTION_TIMEOUT_MS, retry: TRANSACTION_RETRY }
      : {}),
  });
  unwrapInstrumentation(producer, ['send', 'sendBatch', 'transaction']);
  return producer;
}

interface GroupMembership {
  readonly generationId: number;
  readonly memberId: string;
}

function producerPort(
  producer: Producer,
  transactionalId: string | undefined,
  compression: CompressionTypes,
  toKafkajs: (b: readonly TopicMessages[]) => { topic: string; messages: Message[] }[],
  members: ReadonlyMap<string, GroupMembership>,
): ProducerPort {
  return {
    async connect() {
      await producer.connect();
      // kafkajs initializes a transactional id lazily, at the first transaction(); initializing it
      // now settles what an earlier producer of the id left open before anything else happens.
      // An empty transaction initializes it (its abort sends nothing: no partition was added).
      if (transactionalId) await (await producer.transaction()).abort();
    },
    disconnect: () => producer.disconnect(),
    send: async (batches) => {
      await producer.sendBatch({ topicMessages: toKafkajs(batches), acks: -1, compression });
    },
    async transaction() {
      const txn = await producer.transaction();
      return {
        send: async (batches) => {
          await txn.sendBatch({ topicMessages: toKafkajs(batches), acks: -1, compression });
        },
        sendOffsets: async (group, offsets) => {
          const byTopic = new Map<string, { partition: number; offset: string; metadata?: string | null }[]>();
          for (const { topic, partition, offset, metadata } of offsets) {
            byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset, metadata: metadata ?? null }]);
          }
          const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
          // The member as it is now (a live member that rejoined commits in its new generation);
          // without a consumer of the group in this port, generation -1: no group check.
          const member = members.get(group);
          await retryConcurrentTransactions(() =>
            txn.sendOffsets({ consumerGroupId: group, topics: topics as never, ...member } as never),
          );
        },
        commit: () => txn.commit(),
        abort: () => txn.abort(),
      };
    },
  };
}

/**
 * Right after a commit the coordinator is still writing its markers and answers the next
 * transaction's first request with CONCURRENT_TRANSACTIONS. kafkajs retries that for
 * AddPartitionsToTxn (a send) but not for AddOffsetsToTxn, so a chunk that produced nothing
 * (offsets only) failed its transaction and the runtime recreated the producer. Retried here
 * from 20 ms, as the Java producer does (8 doublings: ~5 s). Safe to call again: kafkajs marks
 * the offsets added only after AddOffsetsToTxn succeeded (`back-to-back-transactions.test.ts`).
 */
async function retryConcurrentTransactions(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 8 || (error as { type?: unknown }).type !== 'CONCURRENT_TRANSACTIONS') throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** Errors a partition without an elected leader yet answers with (a topic created a moment ago). */
const LEADER_ERRORS = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION']);

/**
 * A changelog or internal topic created a moment ago may have no leader yet: ListOffsets then
 * fails with NOT_LEADER_FOR_PARTITION, and kafkajs gives up at once. A restore that crashed on it
 * stopped the service at its first start on a fresh broker (found by start-stop.test.ts); it is
 * retried from 100 ms, doubling to 2 s, for about 20 s.
 */
async function retryLeaderElection<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      const cause = (error as { cause?: { type?: unknown } }).cause?.type;
      const leaderless = LEADER_ERRORS.has(String(type)) || LEADER_ERRORS.has(String(cause));
      if (attempt >= 14 || !leaderless) throw error;
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

/** Read-committed, co-partitioned, bounded fetches; the runtime owns its consumer spans. */
function groupConsumerPort(
  kafka: Kafka,
  options: GroupConsumerOptions,
  members: Map<string, GroupMembership>,
): GroupConsumerPort {
  let memberId: string | undefined;
  const consumer: Consumer = kafka.consumer({
    groupId: options.group,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    partitionAssigners: [coPartitionedAssigner],
    maxBytes: options.maxBytes,
    maxBytesPerPartition: options.maxBytesPerPartition,
    minBytes: options.fetchMinBytes,
    maxWaitTimeInMs: options.fetchMaxWaitMs,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.max(1000, Math.floor(options.sessionTimeoutMs / 10)),
  });
  unwrapInstrumentation(consumer, ['run']);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    memberId = payload.memberId;
    // generationId: the kafkajs patch adds it to the event
    const { generationId } = payload as typeof payload & { generationId: number };
    members.set(options.group, { generationId, memberId });
    options.onAssign(new Map(Object.entries(payload.memberAssignment)));
  });
  for (const event of [consumer.events.STOP, consumer.events.DISCONNECT]) consumer.on(event, () => options.onLeave());
  // Disconnecting leaves the group: later commits of the group carry no member.
  consumer.on(consumer.events.DISCONNECT, () => {
    if (members.get(options.group)?.memberId === memberId) members.delete(options.group);
  });
  // kafkajs fetches again once every batch of a fetch is handled (its fetcher waits for the
  // workers): holding each batch's return until the linger is over holds the next fetch.
  const linger = new Linger(options.lingerMs);
  const startRun = (eachBatch: (batch: BatchPort) => Promise<void>) =>
    // The run loop inherits a suppressed context: kafkajs's own client spans stay non-recording.
    runSuppressed(() =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
        // patches/kafkajs@2.2.4.patch: every batch of a fetch, before kafkajs hands the non-empty
        // ones over one at a time.
        onFetch: (batches) => {
          linger.fetched(
            batches.some((b) => !b.isEmpty()),
            batches.some((b) => behindAfter(b)),
          );
          options.onFetch?.(
            batches.map((b) => ({
              topic: b.topic,
              partition: b.partition,
              hasRecords: !b.isEmpty(),
              behindAfter: behindAfter(b),
            })),
          );
        },
        eachBatch: async ({ batch, heartbeat, commitOffsetsIfNecessary, resolveOffset, isRunning, isStale }) => {
          await eachBatch({
            topic: batch.topic,
            partition: batch.partition,
            highWatermark: batch.highWatermark,
            messages: batch.messages,
            behindAfter: behindAfter(batch),
            heartbeat,
            // Through the eachBatch payload, not consumer.commitOffsets: kafkajs silently drops
            // that once stop() has begun, which would lose the draining chunk's commit.
            commit: (offsets) =>
              commitOffsetsIfNecessary({
                topics: offsets.map(({ topic, partition, offset }) => ({
                  topic,
                  partitions: [{ partition, offset }],
                })),
              }),
            resolveOffset,
            isRunning,
            isStale,
          });
          await linger.over();
        },
      }),
    );
  let handler: ((batch: BatchPort) => Promise<void>) | undefined;
  let stopped = false;
  const run = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await startRun(handler!);
  };
  const restart = restartWhileBrokerAway({
    start: run,
    stopped: () => stopped || !handler,
    crash: (error) => options.onCrash(error),
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    options.onLeave();
    if (!payload.restart) restart.crashed(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, () => restart.recovered());
  return {
    async start(eachBatch) {
      handler = eachBatch;
      await run();
    },
    seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }),
    stop: () => {
      stopped = true;
      linger.release();
      return consumer.stop();
    },
    disconnect: () => consumer.disconnect(),
  };
}

/**
 * kafkajs has no manual assignment, so a throwaway group (never committing, a random id)
 * subscribes and pauses the partitions it does not need. Progress comes from END_BATCH_PROCESS,
 * which kafkajs also emits for batches that held only transaction markers or aborted records,
 * so an end offset behind a commit marker is still reached.
 */
function readerPort(kafka: Kafka, options: ReaderOptions): ReaderPort {
  const groupId = `adtrace-reader-${crypto.randomUUID()}`;
  const consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: 4 << 20,
    maxWaitTimeInMs: options.maxWaitMs ?? 250,
  });
  unwrapInstrumentation(consumer, ['run']);
  const wanted = (p: number) => !options.partitions || options.partitions.has(p);
  // The offset each partition was read to. The group never commits, so a restarted reader reads
  // from the beginning again: what was applied already is skipped, or a table would go back to
  // older values until it caught up again.
  const reached = new Map<string, bigint>();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (!wanted(payload.partition)) return;
    const key = `${payload.topic}\0${payload.partition}`;
    const last = BigInt(payload.lastOffset);
    if (last <= (reached.get(key) ?? -1n)) return;
    reached.set(key, last);
    options.onProgress(payload.topic, payload.partition, payload.lastOffset);
  });
  let closed = false;
  const run = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await runSuppressed(() =>
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, pause }) => {
          if (!wanted(batch.partition)) return void pause();
          const seen = reached.get(`${batch.topic}\0${batch.partition}`);
          const fresh = seen === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) > seen);
          if (fresh.length > 0) options.onBatch(batch.topic, batch.partition, fresh);
        },
      }),
    );
  };
  // A table must outlive a broker restart like the hop's own consumer does.
  const restart = restartWhileBrokerAway({
    start: run,
    stopped: () => closed,
    crash: (error) => options.onCrash?.(error),
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) restart.crashed(payload.error);
  });
  consumer.on(consumer.events.GROUP_JOIN, () => restart.recovered());
  return {
    start: run,
    close: () => {
      closed = true;
      return consumer.disconnect();
    },
  };
}

/** kafkajs logs through the hop's log; below WARN it is chatter. */
function kafkaConfig(settings: PortSettings): KafkaConfig {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    retry: CLIENT_RETRY,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        // kafkajs logs every failed request at ERROR, also those it retries itself; the runtime
        // reports what it gives up on. Back-to-back transactions routinely meet
        // CONCURRENT_TRANSACTIONS while the last commit's markers are written (kafkajs #430).
        const text = `${message} ${String(fields.error ?? '')}`;
        const routine = text.includes('concurrent operation on the same transaction');
        const mapped = routine ? 'debug' : level === logLevel.ERROR ? 'warn' : (levels[level] ?? 'info');
        settings.log(mapped, `kafkajs ${namespace}: ${message}`, fields);
      },
  };
}

/**
 * The broker had records of the partition past this batch: more than it returned (offsetLag
 * counts from the last offset fetched, control records included, so a commit marker just past
 * the last record is not lag), or an open transaction's records past the last stable offset,
 * which a read_committed fetch stops at — they come when it commits. (An empty batch's offsetLag
 * is 0 whatever is open: kafkajs counts it from the high watermark.)
 */
export function behindAfter(batch: Pick<Batch, 'offsetLag' | 'highWatermark' | 'lastStableOffset'>): boolean {
  if (BigInt(batch.offsetLag()) > 0n) return true;
  const lso = batch.lastStableOffset === undefined ? -1n : BigInt(batch.lastStableOffset);
  return lso >= 0n && lso < BigInt(batch.highWatermark);
}
