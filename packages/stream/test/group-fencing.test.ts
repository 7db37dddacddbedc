import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { type BatchPort, kafkajsPort } from '../src/index.ts';
import { waitFor } from './support/kafka-io.ts';

/**
 * KIP-447 through the kafkajs port (TxnOffsetCommit v3 in patches/kafkajs@2.2.4.patch): a
 * transaction's offsets carry the group member's generation and id, so a member the group has
 * moved on from cannot commit them, whatever its transactional id. Here member A holds a batch
 * past its session (no heartbeats), B joins and is given the partition, and A — a zombie that
 * does not know it — commits the partition's offset in a transaction of an id of its own. On
 * stock kafkajs (TxnOffsetCommit v1, no generation) that commit goes through.
 */
test('a member the group has moved on from cannot commit offsets in a transaction', async () => {
  const topics = await testTopics(['in'], { partitions: 1 });
  const topic = topics.names.in;
  const group = uniqueGroupId('group-fencing');
  const ports = ['a', 'b'].map((m) =>
    kafkajsPort({ brokers: testBrokers(), clientId: `group-fencing-${m}`, compression: 'none', log: () => {} }),
  );
  const [portA, portB] = ports as [ReturnType<typeof kafkajsPort>, ReturnType<typeof kafkajsPort>];
  const consumerOptions = {
    group,
    topics: [topic],
    maxBytes: 1 << 20,
    maxBytesPerPartition: 1 << 20,
    fetchMinBytes: 1,
    fetchMaxWaitMs: 1000,
    lingerMs: 0,
    sessionTimeoutMs: 6000,
    concurrency: 1,
    onLeave: () => {},
    onCrash: () => {},
  };
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let heldBatch: BatchPort | undefined;
  let assignedToB: readonly number[] = [];
  const consumerA = portA.groupConsumer({ ...consumerOptions, onAssign: () => {} });
  const consumerB = portB.groupConsumer({
    ...consumerOptions,
    onAssign: (a) => {
      assignedToB = a.get(topic) ?? [];
    },
  });
  const producerA = portA.producer({ transactionalId: uniqueGroupId('group-fencing-a') });
  try {
    await topics.admin.connect();
    const producer = portA.producer();
    await producer.connect();
    await producer.send([{ topic, messages: [{ value: Buffer.from('x'), headers: {} }] }]);
    await producer.disconnect();
    await consumerA.start(async (batch) => {
      heldBatch = batch;
      await held; // no heartbeat meanwhile: the group drops A after its session
    });
    await waitFor('A to hold a batch', async () => heldBatch, 30_000);
    await consumerB.start(async () => {});
    await waitFor('B to be given the partition', async () => (assignedToB.includes(0) ? true : undefined), 60_000);

    await producerA.connect();
    const txn = await producerA.transaction();
    const refused = await txn.sendOffsets(group, [{ topic, partition: 0, offset: '1' }]).then(
      () => undefined,
      (error: unknown) => error as { type?: string },
    );
    await txn.abort().catch(() => {});
    expect(refused?.type).toMatch(/^(ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID)$/);
    const [entry] = await topics.admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(entry?.partitions[0]?.offset).toBe('-1');
  } finally {
    release();
    await Promise.allSettled([consumerA.disconnect(), consumerB.disconnect(), producerA.disconnect()]);
    await topics.cleanup();
  }
}, 120_000);
