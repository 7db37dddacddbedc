import { Admin, type Consumer, type MessageToProduce, Producer } from '@platformatic/kafka';
import { murmur2 } from './murmur2.ts';
import type { GroupMember } from './platformatic-consumer.ts';
import { callCoordinator, groupCoordinator } from './platformatic-coordinator.ts';
import { portCall } from './platformatic-errors.ts';
import type { OutMessage, PortSettings, ProducerPort, RecordHeaders, TopicMessages } from './port.ts';

const toBuffer = (v: Buffer | string) => (typeof v === 'string' ? Buffer.from(v) : v);

/** Distinct Buffer objects per value, so a repeated header name keeps every value. */
function headersOf(headers: RecordHeaders): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.set(Buffer.from(name), toBuffer(v));
  }
  return out;
}

function toMessages(batches: readonly TopicMessages[]): MessageToProduce[] {
  return batches.flatMap(({ topic, messages }) =>
    messages.map((m: OutMessage) => ({
      topic,
      key: m.key == null ? undefined : toBuffer(m.key),
      value: m.value == null ? undefined : toBuffer(m.value),
      headers: headersOf(m.headers),
      ...(m.partition === undefined ? {} : { partition: m.partition }),
      ...(m.timestamp === undefined ? {} : { timestamp: BigInt(m.timestamp) }),
    })),
  );
}

/**
 * The Java client's (and kafkajs's DefaultPartitioner's) choice: positive murmur2 of the key.
 * The client's own default (`murmur2 >>> 0`) lands keys on other partitions than every other
 * client, which would split a key's records from the state and inputs co-partitioned with it.
 * Keyless records go round-robin; the client reduces the result modulo the partition count.
 * murmur2.ts's hash: the client's own computes in BigInts (~1.6 µs a key against ~0.16).
 */
function javaCompatiblePartitioner(): (message: unknown, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => (key ? murmur2(key) & 0x7fffffff : next++ & 0x7fffffff);
}

/**
 * Idempotent, acks=all. A transactional id makes `connect` initialize it (InitProducerId: the
 * broker fences older producers of that id and ends what they left open). Offsets go into the
 * transaction KIP-447 style: with the group member's generation when this port runs the
 * group's consumer, so a member that lost its partitions cannot commit for them.
 */
export function platformaticProducer(
  settings: PortSettings,
  transactionalId: string | undefined,
  members: ReadonlyMap<string, GroupMember>,
): ProducerPort {
  const base = { clientId: settings.clientId, bootstrapBrokers: [...settings.brokers], retries: 10, retryDelay: 250 };
  const producer = new Producer({
    ...base,
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
    partitioner: javaCompatiblePartitioner(),
    ...(transactionalId ? { transactionalId } : {}),
  });
  const compression = settings.compression;
  return {
    async connect() {
      if (!transactionalId) return void (await portCall(() => producer.initIdempotentProducer({})));
      // Beginning a transaction runs InitProducerId for the id; cancel ends it locally (no
      // partition was added, so there is nothing to tell the coordinator). The client sends
      // producer id 0 / epoch 0 unless told otherwise, which KIP-360 brokers read as "bump the
      // epoch of producer 0" and answer PRODUCER_FENCED once the id belongs to another
      // producer id: -1/-1 asks for a fresh initialization, which fences the older owner.
      const txn = await portCall(() => producer.beginTransaction({ producerId: -1n, producerEpoch: -1 }));
      await txn.cancel();
    },
    disconnect: () => producer.close(true),
    async send(batches) {
      await portCall(() => producer.send({ messages: toMessages(batches), acks: -1, compression }));
    },
    async transaction() {
      const txn = await portCall(() => producer.beginTransaction());
      return {
        send: async (batches) => {
          await portCall(() => txn.send({ messages: toMessages(batches), acks: -1, compression }));
        },
        async sendOffsets(group, offsets) {
          await portCall(() => txn.addConsumer({ groupId: group } as Consumer));
          const member = members.get(group)?.consumer;
          const coordinator = member?.coordinatorId ?? (await withAdmin((admin) => groupCoordinator(admin, group)));
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
          const generation = member?.memberId ? member.generationId : -1;
          await callCoordinator(producer as never, coordinator, 'TxnOffsetCommit', [
            ...[transactionalId, group, producer.producerId, producer.producerEpoch],
            ...[generation, member?.memberId ?? '', null, topics],
          ]);
        },
        commit: () => portCall(() => txn.commit()),
        abort: () => portCall(() => txn.abort()),
      };
    },
  };

  async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Admin(base);
    try {
      return await fn(admin);
    } finally {
      await admin.close();
    }
  }
}
