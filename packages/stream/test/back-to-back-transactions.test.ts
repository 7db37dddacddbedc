import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { kafkajsPort } from '../src/index.ts';

/**
 * A chunk that produced nothing (an aggregation chunk whose windows did not close) commits only
 * its offsets: its transaction starts with AddOffsetsToTxn. Right after the previous commit the
 * coordinator is still writing that commit's markers and answers CONCURRENT_TRANSACTIONS, which
 * kafkajs retries for AddPartitionsToTxn but not for AddOffsetsToTxn: the transaction failed, and
 * the runtime recreated the producer (a new id epoch, a DescribeGroup, a backoff) for a routine
 * answer. The port retries it, as the Java producer does.
 */
test('back-to-back transactions, each second one committing only offsets, all commit', async () => {
  const topics = await testTopics(['out', 'in'], { partitions: 1 });
  const port = kafkajsPort({ brokers: testBrokers(), clientId: 'back-to-back', compression: 'none', log: () => {} });
  const producer = port.producer({ transactionalId: uniqueGroupId('back-to-back') });
  const group = uniqueGroupId('back-to-back-group');
  try {
    await producer.connect();
    for (let i = 0; i < 25; i++) {
      const withRecords = await producer.transaction();
      await withRecords.send([{ topic: topics.names.out, messages: [{ value: Buffer.from(String(i)), headers: {} }] }]);
      await withRecords.commit();
      const offsetsOnly = await producer.transaction();
      await offsetsOnly.sendOffsets(group, [{ topic: topics.names.in, partition: 0, offset: String(i + 1) }]);
      await offsetsOnly.commit();
    }
    const [entry] = await topics.admin.fetchOffsets({ groupId: group, topics: [topics.names.in] });
    expect(entry?.partitions[0]?.offset).toBe('25');
  } finally {
    await producer.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 120_000);
