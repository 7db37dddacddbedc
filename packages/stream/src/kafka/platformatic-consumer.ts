import { Consumer } from '@platformatic/kafka';
import { Linger } from './linger.ts';
import { coPartitioned } from './platformatic-assigner.ts';
import { callCoordinator } from './platformatic-coordinator.ts';
import { PortError, portCall, toPortError } from './platformatic-errors.ts';
import { earliestOffsets, type FetchedPartition, type FetchTarget, fetchRound } from './platformatic-fetch.ts';
import type { BatchPort, GroupConsumerOptions, GroupConsumerPort, PortSettings } from './port.ts';

/** What the producer side needs of a group's member for KIP-447 transactional offset commits. */
export interface GroupMember {
  readonly consumer: Consumer;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * A group member on @platformatic/kafka: the client joins the group, heartbeats and rejoins on
 * its own (classic protocol, our co-partitioned assigner); fetch positions, batches, seeks and
 * commits are ours (platformatic-fetch.ts). A rebalance seen by the heartbeat makes the
 * batches' `heartbeat()` reject with REBALANCE_IN_PROGRESS, as kafkajs's does.
 */
export function platformaticGroupConsumer(
  settings: PortSettings,
  options: GroupConsumerOptions,
  members: Map<string, GroupMember>,
): GroupConsumerPort {
  const base = { clientId: settings.clientId, bootstrapBrokers: [...settings.brokers], retries: 5, retryDelay: 250 };
  const sessionTimeout = options.sessionTimeoutMs;
  const heartbeatInterval = Math.max(1000, Math.floor(sessionTimeout / 10));
  const group = {
    sessionTimeout,
    heartbeatInterval,
    rebalanceTimeout: sessionTimeout,
    partitionAssigner: coPartitioned,
  };
  const consumer = new Consumer({ ...base, groupId: options.group, autocommit: false, ...group });
  let generation = -1;
  let rebalancing = false;
  let running = false;
  const linger = new Linger(options.lingerMs);
  let loop: Promise<void> | undefined;
  let assigned: FetchTarget[] = [];
  const positions = new Map<string, bigint>();
  const seeks = new Map<string, bigint>();
  consumer.on('consumer:group:join', ({ generationId, assignments }) => {
    generation = generationId ?? generation + 1;
    rebalancing = false;
    positions.clear();
    seeks.clear();
    assigned = (assignments ?? []).flatMap(({ topic, partitions }) =>
      partitions.map((partition) => ({ topic, partition, offset: -1n })),
    );
    options.onAssign(new Map((assignments ?? []).map(({ topic, partitions }) => [topic, [...partitions]])));
  });
  consumer.on('consumer:group:rebalance', () => {
    rebalancing = true;
  });
  // Not on 'consumer:heartbeat:error': the client emits it for errors that need no rejoin (a
  // timeout under load) and heartbeats on; a flag set there would stop fetching for good.
  consumer.on('consumer:heartbeat:end', () => {
    rebalancing = false;
  });
  consumer.on('consumer:group:leave', () => options.onLeave());
  // A background rejoin that failed for good is emitted as 'error'; unheard, it would throw.
  consumer.on('error', (error: unknown) => {
    running = false;
    options.onLeave();
    options.onCrash(toPortError(error));
  });

  /** Committed offsets of what has no position yet; the beginning where the group has none. */
  async function positionsOf(targets: readonly FetchTarget[]): Promise<FetchTarget[]> {
    const missing = targets.filter((t) => !positions.has(key(t.topic, t.partition)));
    if (missing.length > 0) {
      const byTopic = new Map<string, number[]>();
      for (const t of missing) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t.partition]);
      const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
      const committed = await portCall(() => consumer.listCommittedOffsets({ topics }));
      const earliest = await portCall(() => earliestOffsets(consumer, [...byTopic.keys()]));
      for (const t of missing) {
        const c = committed.get(t.topic)?.[t.partition] ?? -1n;
        positions.set(key(t.topic, t.partition), c >= 0n ? c : (earliest.get(t.topic)?.[t.partition] ?? 0n));
      }
    }
    return targets.map((t) => ({ ...t, offset: positions.get(key(t.topic, t.partition))! }));
  }

  function batchOf(fetched: FetchedPartition, gen: number): BatchPort & { resolved?: bigint } {
    const k = key(fetched.topic, fetched.partition);
    const batch: BatchPort & { resolved?: bigint } = {
      topic: fetched.topic,
      partition: fetched.partition,
      highWatermark: String(fetched.highWatermark),
      messages: fetched.records,
      behindAfter: behindAfter(fetched),
      async heartbeat() {
        if (rebalancing || generation !== gen) {
          throw new PortError('the group is rebalancing', 'REBALANCE_IN_PROGRESS', false, undefined);
        }
      },
      async commit(offsets) {
        if (generation !== gen) throw new PortError('generation changed', 'ILLEGAL_GENERATION', false, undefined);
        const byTopic = new Map<
          string,
          {
            partitionIndex: number;
            committedOffset: bigint;
            committedLeaderEpoch: number;
            committedMetadata: string | null;
          }[]
        >();
        for (const o of offsets) {
          const entry = {
            partitionIndex: o.partition,
            committedOffset: BigInt(o.offset),
            committedLeaderEpoch: -1,
            committedMetadata: o.metadata ?? null,
          };
          byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), entry]);
        }
        const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
        await callCoordinator(consumer as never, consumer.coordinatorId ?? -1, 'OffsetCommit', [
          options.group,
          gen,
          consumer.memberId,
          null,
          topics,
        ]);
      },
      resolveOffset(offset) {
        batch.resolved = BigInt(offset);
      },
      isRunning: () => running,
      isStale: () => seeks.has(k),
    };
    return batch;
  }

  /** Where the next fetch of a handled partition starts: a seek, else after what was resolved. */
  function advance(fetched: FetchedPartition, batch: { resolved?: bigint }, gen: number): void {
    if (generation !== gen) return;
    const k = key(fetched.topic, fetched.partition);
    const seek = seeks.get(k);
    seeks.delete(k);
    if (seek !== undefined) return void positions.set(k, seek);
    const last = fetched.records.at(-1);
    if (fetched.records.length === 0 || (last && batch.resolved === BigInt(last.offset))) {
      if (fetched.next !== undefined) positions.set(k, fetched.next);
    } else if (batch.resolved !== undefined) {
      positions.set(k, batch.resolved + 1n);
    }
  }

  async function run(eachBatch: (batch: BatchPort) => Promise<void>): Promise<void> {
    let failures = 0;
    while (running) {
      const gen = generation;
      if (assigned.length === 0 || rebalancing) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      try {
        const targets = await positionsOf(assigned);
        if (gen !== generation) continue;
        const round = await fetchRound(consumer, targets, {
          minBytes: options.fetchMinBytes,
          maxWaitMs: options.fetchMaxWaitMs,
          maxBytes: options.maxBytes,
          maxBytesPerPartition: options.maxBytesPerPartition,
        });
        for (const t of round.outOfRange) positions.delete(key(t.topic, t.partition));
        if (round.failed.length > 0) throw round.failed[0];
        failures = 0;
        options.onFetch?.(
          round.partitions.map((f) => ({
            topic: f.topic,
            partition: f.partition,
            hasRecords: f.records.length > 0,
            behindAfter: behindAfter(f),
          })),
        );
        linger.fetched(
          round.partitions.some((f) => f.records.length > 0),
          round.partitions.some((f) => behindAfter(f)),
        );
        const queue = [...round.partitions];
        const worker = async () => {
          for (let f = queue.shift(); f && running; f = queue.shift()) {
            if (gen !== generation) return;
            const batch = batchOf(f, gen);
            if (f.records.length > 0) await eachBatch(batch);
            advance(f, batch, gen);
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
        await linger.over();
      } catch (error) {
        failures += 1;
        settings.log('warn', 'platformatic fetch failed', { error: String(error), failures });
        if (failures >= 20) {
          running = false;
          options.onLeave();
          options.onCrash(error);
          return;
        }
        await consumer.metadata({ topics: [...options.topics], forceUpdate: true }).catch(() => {});
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** failures)));
      }
    }
  }

  return {
    async start(eachBatch) {
      consumer.topics.trackAll(...options.topics);
      await portCall(() => consumer.joinGroup(group));
      members.set(options.group, { consumer });
      running = true;
      loop = run(eachBatch);
    },
    seek(topic, partition, offset) {
      seeks.set(key(topic, partition), BigInt(offset));
    },
    async stop() {
      running = false;
      linger.release();
      await loop;
    },
    async disconnect() {
      running = false;
      linger.release();
      await loop;
      if (members.get(options.group)?.consumer === consumer) members.delete(options.group);
      try {
        await consumer.leaveGroup(true);
      } catch {
        // Closing leaves the group anyway, by session timeout at worst.
      }
      await consumer.close(true);
      options.onLeave();
    },
  };
}

/** The broker had records past this fetch of the partition (an open transaction's included). */
function behindAfter(f: FetchedPartition): boolean {
  return (f.next ?? f.fetchOffset) < f.highWatermark;
}
