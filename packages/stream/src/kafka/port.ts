/**
 * The client port: everything the runtime asks of Kafka, and nothing of any one client library.
 * Every Kafka call of the runtime goes through a `KafkaPort`; `kafkajs.ts` implements it on
 * kafkajs (the default, which the project's users asked for). A second implementation only has
 * to satisfy these types and the runtime's test suite. Tests wrap a port to inject failures.
 */

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
/** Kafka record headers as a client delivers them (values are Buffers when consumed). */
export type RecordHeaders = { [name: string]: HeaderValue };

/** A record as fetched: offset and timestamp (ms) as decimal strings. */
export interface FetchedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: RecordHeaders;
  readonly offset: string;
  readonly timestamp: string;
}

/** A record to produce. Without a partition, the key's murmur2 hash chooses (Java-compatible). */
export interface OutMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers: RecordHeaders;
  readonly partition?: number;
  /** Event time, ms since the epoch as a decimal string; the broker's time when absent. */
  readonly timestamp?: string;
}

export interface TopicMessages {
  readonly topic: string;
  readonly messages: OutMessage[];
  /** Each message's key + value + headers bytes (kafkaMessageBytes), when the outbox knew them. */
  readonly sizes?: readonly number[];
}

/** A committed position: the next offset to read, and the metadata committed with it. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly metadata?: string | null;
}

export interface TopicToCreate {
  readonly topic: string;
  readonly partitions: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface AdminPort {
  listTopics(): Promise<string[]>;
  /** Partition count per topic; a missing topic is absent from the map. */
  partitionCounts(topics: readonly string[]): Promise<Map<string, number>>;
  createTopics(topics: readonly TopicToCreate[]): Promise<void>;
  /** Low and high watermarks per partition. */
  endOffsets(topic: string): Promise<{ partition: number; low: string; high: string }[]>;
  /**
   * The group's committed offsets (−1 when none) and their metadata, per partition of `topic`,
   * once no open transaction holds offsets of it (stable-offsets.ts).
   */
  committed(group: string, topic: string): Promise<Map<number, { offset: string; metadata: string | null }>>;
  /** The largest record batch each topic accepts (`max.message.bytes`). */
  maxMessageBytes(topics: readonly string[]): Promise<Map<string, number>>;
}

export interface TransactionPort {
  send(batches: readonly TopicMessages[]): Promise<void>;
  /** Commits the group's offsets inside the transaction (with their metadata). */
  sendOffsets(group: string, offsets: readonly PartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface ProducerPort {
  /** With a transactional id, connecting initializes it: the broker fences any older producer of that id. */
  connect(): Promise<void>;
  /** acks=all, idempotent. */
  send(batches: readonly TopicMessages[]): Promise<void>;
  transaction(): Promise<TransactionPort>;
  disconnect(): Promise<void>;
}

/** One fetched batch of one partition, with what the consumer allows while it is handled. */
export interface BatchPort {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: readonly FetchedRecord[];
  /** The broker had records of this partition past this batch when it was fetched. */
  readonly behindAfter: boolean;
  /** Tells the group coordinator we are alive; rejects when a rebalance is under way. */
  heartbeat(): Promise<void>;
  /** At-least-once commit of the group's offsets, in the consumer's own generation. */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /** Marks the batch handled up to `offset` (inclusive), so the next fetch starts after it. */
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  /** True once a seek on this partition is pending: the rest of the batch is stale. */
  isStale(): boolean;
}

/** One partition of a fetch, as `GroupConsumerOptions.onFetch` sees it. */
export interface FetchedPartitionState {
  readonly topic: string;
  readonly partition: number;
  /** It returned records to handle. */
  readonly hasRecords: boolean;
  /** The broker had records past what it returned. */
  readonly behindAfter: boolean;
}

export interface GroupConsumerOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  /** The broker answers a fetch once it has this many bytes, or after `fetchMaxWaitMs`. */
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  /** After a fetch with records, the next one is sent no sooner than this long after it (config.ts, lingerMs). */
  readonly lingerMs: number;
  readonly sessionTimeoutMs: number;
  /** Partitions handled at once. */
  readonly concurrency: number;
  /**
   * Every fetch, before any of its batches is handled: each partition it asked for, whether it
   * returned records and whether the broker has more past them. So the runtime knows a partition
   * that is merely unfetched or not yet handled from one that is quiet (the idle policy).
   */
  onFetch?(partitions: readonly FetchedPartitionState[]): void;
  /** Every assignment: partitions per topic (co-partitioned: partition p of every topic to one member). */
  onAssign(assignment: ReadonlyMap<string, readonly number[]>): void;
  /** The member left the group (stopped, disconnected or crashed). */
  onLeave(): void;
  /** The consumer gave up (it will not restart by itself). */
  onCrash(error: unknown): void;
}

export interface GroupConsumerPort {
  /** Connects, subscribes and starts the fetch loop; resolves once the loop runs. */
  start(eachBatch: (batch: BatchPort) => Promise<void>): Promise<void>;
  /** The next fetch of this partition starts at `offset`; the current batch becomes stale. */
  seek(topic: string, partition: number, offset: string): void;
  /** Stops fetching and waits for the batches in hand. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Reads topics from their beginning with no group commits (changelog restores, global tables). */
export interface ReaderOptions {
  readonly topics: readonly string[];
  /** Only these partitions; all when absent. */
  readonly partitions?: ReadonlySet<number>;
  readonly maxWaitMs?: number;
  onBatch(topic: string, partition: number, records: readonly FetchedRecord[]): void;
  /** After every batch, also those that held only transaction markers: the offset reached. */
  onProgress(topic: string, partition: number, lastOffset: string): void;
  /** The reader gave up for good (it will not restart by itself). */
  onCrash?(error: unknown): void;
}

export interface ReaderPort {
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaPort {
  /** Runs `fn` with a connected admin client, disconnected afterwards. */
  admin<T>(fn: (admin: AdminPort) => Promise<T>): Promise<T>;
  producer(options?: { readonly transactionalId?: string }): ProducerPort;
  groupConsumer(options: GroupConsumerOptions): GroupConsumerPort;
  reader(options: ReaderOptions): ReaderPort;
}

/** How a hop gets its port: the default is kafkajs (`kafkajsPort`). */
export type KafkaPortFactory = (settings: PortSettings) => KafkaPort;

export interface PortSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly compression: 'gzip' | 'none';
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}
