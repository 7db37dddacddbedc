import { Kafka, logLevel } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { connectedAdmin } from '../src/kafka/kafkajs.ts';

// The runtime reads a group's committed offsets through a new admin client on the first chunk of
// every input partition (each-batch.ts, behindCommitted). A kafkajs admin that had not loaded the
// cluster's brokers found the group coordinator's node id in an empty pool and looked it up again
// after its default retry wait (~300 ms): every partition's first record waited that long at
// every exactly-once hop, after each start and rebalance.
test('an admin client finds the group coordinator without a retry', async () => {
  const topics = await testTopics(['in'], { partitions: 1 });
  const retries: string[] = [];
  const kafka = new Kafka({
    clientId: 'admin-coordinator',
    brokers: testBrokers(),
    logLevel: logLevel.DEBUG,
    logCreator:
      () =>
      ({ log }) => {
        if (/trying again|retrying/i.test(log.message)) retries.push(log.message);
      },
  });
  const admin = await connectedAdmin(kafka);
  try {
    const [entry] = await admin.fetchOffsets({
      groupId: uniqueGroupId('admin-coordinator'),
      topics: [topics.names.in],
      requireStable: true,
    });
    expect(entry?.partitions).toEqual([{ partition: 0, offset: '-1', metadata: null }]);
    expect(retries).toEqual([]);
  } finally {
    await admin.disconnect();
    await topics.cleanup();
  }
}, 60_000);
