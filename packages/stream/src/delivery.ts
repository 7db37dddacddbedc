import type { Offsets, TopicMessages } from 'kafkajs';

/** Where a chunk's offsets go once its records are written. */
export interface ChunkTarget {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the chunk's last message: what the group resumes from. */
  readonly nextOffset: string;
  /** The assignment generation the chunk was read in. */
  readonly generation: number;
  /**
   * Commits offsets through the eachBatch payload. Not `consumer.commitOffsets`: kafkajs
   * silently drops that once `consumer.stop()` has begun, which would lose the commit of the
   * chunk a graceful stop is draining (found by shutdown.test.ts).
   */
  commit(offsets: Offsets): Promise<void>;
}

/**
 * committed: records written and offsets committed. written: records written, offsets not
 * committed (partition revoked meanwhile; the next owner redelivers). abandoned: nothing durable.
 */
export type DeliveryResult = 'committed' | 'written' | 'abandoned';

/** Writes a chunk's records and commits its offsets: at-least-once or exactly-once. */
export interface Delivery {
  start(): Promise<void>;
  deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult>;
  stop(): Promise<void>;
}
