import { createRequire } from 'node:module';
import { Kafka, logLevel } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';

// patches/kafkajs@2.2.4.patch: kafkajs sent a FindCoordinator request on every coordinator
// lookup — four per transaction (AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn)
// beside the five that do the work, each a broker round trip and its CPU on both sides. Lookups
// are remembered until a request says a coordinator moved (or a connection closes).
const { onRequestError } = createRequire(import.meta.url)('kafkajs/src/cluster/coordinatorCache.js') as {
  onRequestError(error: { type?: string; name?: string }): void;
};

test('a transaction looks its coordinators up once, and again only after one may have moved', async () => {
  const topics = await testTopics(['out', 'in'], { partitions: 1 });
  const kafka = new Kafka({ clientId: 'coordinator-cache', brokers: testBrokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: uniqueGroupId('coordinator-cache'), idempotent: true });
  const group = uniqueGroupId('coordinator-cache-group');
  const requests: string[] = [];
  producer.on(producer.events.REQUEST, (e) => requests.push(e.payload.apiName));
  const transaction = async (i: number) => {
    const txn = await producer.transaction();
    await txn.send({ topic: topics.names.out, messages: [{ value: String(i) }] });
    await txn.sendOffsets({
      consumerGroupId: group,
      topics: [{ topic: topics.names.in, partitions: [{ partition: 0, offset: String(i + 1) }] }],
    });
    await txn.commit();
  };
  const lookups = () => requests.filter((name) => name === 'GroupCoordinator').length;
  try {
    await producer.connect();
    await transaction(0);
    requests.length = 0;
    for (let i = 1; i <= 5; i++) await transaction(i);
    expect(lookups()).toBe(0);
    expect(requests.filter((name) => name === 'EndTxn')).toHaveLength(5);

    // A request answered NOT_COORDINATOR somewhere in the process: every cache forgets.
    onRequestError({ type: 'NOT_COORDINATOR_FOR_GROUP' });
    requests.length = 0;
    await transaction(6);
    expect(lookups()).toBe(2); // the transaction's coordinator and the group's, once each
    const [entry] = await topics.admin.fetchOffsets({ groupId: group, topics: [topics.names.in] });
    expect(entry?.partitions[0]?.offset).toBe('7');
  } finally {
    await producer.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 60_000);
