import type { BatchPort, TopicMessages } from './kafka/port.ts';

/** Where a chunk's offsets go once its records are written. */
export interface ChunkTarget {
  readonly topic: string;
  readonly partition: number;
  /** The offset after the chunk's last message: what the group resumes from. */
  readonly nextOffset: string;
  /** Committed with the offset (the task's stream time). */
  readonly metadata?: string;
  /** The assignment generation the chunk was read in. */
  readonly generation: number;
  /** The batch the chunk came from: at-least-once commits through it (an idle tick has none). */
  readonly batch?: BatchPort;
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
