import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { type KafkaPort, kafkajsPort, platformaticPort } from '../src/index.ts';

const ports: [string, (clientId: string) => KafkaPort][] = [
  ['kafkajs', (clientId) => kafkajsPort({ brokers: testBrokers(), clientId, compression: 'none', log: () => {} })],
  [
    'platformatic',
    (clientId) => platformaticPort({ brokers: testBrokers(), clientId, compression: 'none', log: () => {} }),
  ],
];

/**
 * KIP-447's other half: a member taking a partition over must not start from the offsets before
 * the previous owner's last transaction while that transaction is still open (its producer is
 * another member's, so initializing an id cannot settle it). Here a transaction commits offsets
 * and stays open: the port's `committed` waits (OffsetFetch require_stable, in the kafkajs patch
 * as v7) and, once the transaction commits, reads its offset. Without require_stable it answers
 * −1 at once, the offsets from before the open transaction.
 */
test.each(ports)(
  '%s: committed offsets are read only once no open transaction holds them',
  async (_, portOf) => {
    const topics = await testTopics(['in'], { partitions: 1 });
    const topic = topics.names.in;
    const group = uniqueGroupId('stable-offsets');
    const port = portOf('stable-offsets');
    const producer = port.producer({ transactionalId: uniqueGroupId('stable-offsets') });
    try {
      await producer.connect();
      const txn = await producer.transaction();
      await txn.sendOffsets(group, [{ topic, partition: 0, offset: '5' }]);

      let settled = false;
      const read = port.admin((admin) => admin.committed(group, topic));
      void read.then(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 2_000));
      expect(settled).toBe(false);

      await txn.commit();
      const committed = await read;
      expect(committed.get(0)?.offset).toBe('5');
    } finally {
      await producer.disconnect().catch(() => {});
      await topics.cleanup();
    }
  },
  60_000,
);
