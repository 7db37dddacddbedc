import { type Consumer, FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import { protocolErrorOf } from './platformatic-errors.ts';
import { type AbortedTransaction, committedRecords, type RawBatch } from './platformatic-records.ts';
import type { FetchedRecord } from './port.ts';

export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly records: FetchedRecord[];
  /** After the last batch returned (markers and aborted records included); undefined when none came. */
  readonly next: bigint | undefined;
  readonly highWatermark: bigint;
}

export interface FetchLimits {
  /** 1 unless given: answered as soon as anything is there. */
  readonly minBytes?: number;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
}

export interface FetchRound {
  readonly partitions: FetchedPartition[];
  /** Partitions whose position the broker no longer has (deleted by retention): reset them. */
  readonly outOfRange: FetchTarget[];
  /** A node's fetch failed for another reason (leader moved, broker away): retry after a pause. */
  readonly failed: unknown[];
}

type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/**
 * One read-committed fetch of `targets`, a request per partition leader, our own positions:
 * the runtime seeks, pauses and resolves per partition, which the client's MessagesStream
 * (its own positions, its own rebalance handling) cannot be asked to do.
 */
export async function fetchRound(consumer: Consumer, targets: readonly FetchTarget[], limits: FetchLimits) {
  const topics = [...new Set(targets.map((t) => t.topic))];
  const metadata = await consumer.metadata({ topics });
  const byNode = new Map<number, Map<string, FetchTarget[]>>();
  const topicNames = new Map<string, string>();
  for (const target of targets) {
    const meta = metadata.topics.get(target.topic);
    const leader = meta?.partitions[target.partition]?.leader;
    if (!meta || leader === undefined || leader < 0) continue;
    topicNames.set(meta.id, target.topic);
    const node = byNode.get(leader) ?? new Map<string, FetchTarget[]>();
    byNode.set(leader, node);
    node.set(meta.id, [...(node.get(meta.id) ?? []), target]);
  }
  const round: FetchRound = { partitions: [], outOfRange: [], failed: [] };
  await Promise.all(
    [...byNode].map(async ([node, byTopic]) => {
      const wanted = new Map<string, FetchTarget>();
      for (const ts of byTopic.values()) for (const t of ts) wanted.set(`${t.topic}/${t.partition}`, t);
      let response: FetchResponse;
      try {
        response = await consumer.fetch({
          node,
          minBytes: limits.minBytes ?? 1,
          maxBytes: limits.maxBytes,
          maxWaitTime: limits.maxWaitMs,
          isolationLevel: FetchIsolationLevels.READ_COMMITTED,
          topics: [...byTopic].map(([topicId, ts]) => ({
            topicId,
            partitions: ts.map((t) => ({
              partition: t.partition,
              fetchOffset: t.offset,
              partitionMaxBytes: limits.maxBytesPerPartition,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          })),
        });
      } catch (error) {
        const partial = (error as { response?: FetchResponse }).response;
        if (protocolErrorOf(error)?.type === 'OFFSET_OUT_OF_RANGE' && partial) {
          for (const t of partial.responses) {
            for (const p of t.partitions) {
              const target = wanted.get(`${topicNames.get(t.topicId)}/${p.partitionIndex}`);
              if (target && p.errorCode !== 0) round.outOfRange.push(target);
            }
          }
        } else {
          round.failed.push(error);
        }
        return;
      }
      for (const t of response.responses) {
        for (const p of t.partitions) {
          const target = wanted.get(`${topicNames.get(t.topicId)}/${p.partitionIndex}`);
          if (!target || p.errorCode !== 0) continue;
          const batches = (p.records ?? []) as unknown as RawBatch[];
          const aborted = p.abortedTransactions as AbortedTransaction[] | null;
          const { records, next } = committedRecords(batches, aborted, target.offset);
          round.partitions.push({
            ...target,
            fetchOffset: target.offset,
            records,
            next,
            highWatermark: p.highWatermark,
          });
        }
      }
    }),
  );
  return round;
}

/** The earliest offset of each partition (`low` of the runtime's watermarks). */
export async function earliestOffsets(consumer: Consumer, topics: readonly string[]): Promise<Map<string, bigint[]>> {
  return consumer.listOffsets({ topics: [...topics], timestamp: ListOffsetTimestamps.EARLIEST });
}
