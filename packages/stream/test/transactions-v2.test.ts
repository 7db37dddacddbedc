import { Kafka, logLevel, type Producer } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';

// patches/kafkajs@2.2.4.patch: kafkajs spoke transactions v1 only — per transaction
// AddPartitionsToTxn before the Produce and AddOffsetsToTxn before the TxnOffsetCommit, two round
// trips to the coordinator of five. Where the cluster finalized transaction.version 2 (Kafka 4's
// default for a new cluster; the project's local broker), the Produce (v12) and the TxnOffsetCommit (v5) add them
// themselves, and every EndTxn (v5) bumps the producer's epoch: the client takes it from the
// response and starts its sequences again at 0, or the next transaction is refused.

const kafka = () => new Kafka({ clientId: 'transactions-v2', brokers: testBrokers(), logLevel: logLevel.NOTHING });

/** Runs `count` transactions of three records (one per partition) and the input's offset; returns the requests by name and version. */
async function transactions(
  producer: Producer,
  names: { out: string; in: string },
  group: string,
  count: number,
  abortAt = -1,
): Promise<string[]> {
  const requests: string[] = [];
  const listener = producer.on(producer.events.REQUEST, ({ payload }) =>
    requests.push(`${payload.apiName} v${payload.apiVersion}`),
  );
  for (let i = 0; i < count; i++) {
    const txn = await producer.transaction();
    await txn.send({
      topic: names.out,
      messages: [0, 1, 2].map((partition) => ({ partition, value: `${i}-${partition}` })),
    });
    await txn.sendOffsets({
      consumerGroupId: group,
      topics: [{ topic: names.in, partitions: [{ partition: 0, offset: String(i + 1) }] }],
    });
    await (i === abortAt ? txn.abort() : txn.commit());
  }
  listener();
  return requests;
}

async function committedValues(topic: string, expected: number): Promise<string[]> {
  const consumer = kafka().consumer({ groupId: uniqueGroupId('transactions-v2-reader'), readUncommitted: false });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
  const deadline = Date.now() + 20_000;
  while (values.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500)); // anything past what is expected would show now
  await consumer.disconnect();
  return values.sort();
}

test('a transaction adds its partitions and offsets by producing and committing them (transactions v2)', async () => {
  const topics = await testTopics(['out', 'in'], { partitions: 3 });
  const group = uniqueGroupId('transactions-v2');
  const producer = kafka().producer({ transactionalId: uniqueGroupId('transactions-v2'), idempotent: true });
  try {
    await producer.connect();
    await transactions(producer, topics.names, group, 1); // initializes the id
    const requests = await transactions(producer, topics.names, group, 6, 2);
    const v2 =
      'the broker must have finalized transaction.version 2 (Kafka 4 formats a new cluster so; the local broker is)';
    expect(requests, v2).toContain('EndTxn v5');
    // Per transaction: one Produce, one TxnOffsetCommit, one EndTxn, nothing else.
    expect(requests.sort()).toEqual([
      ...Array(6).fill('EndTxn v5'),
      ...Array(6).fill('Produce v12'),
      ...Array(6).fill('TxnOffsetCommit v5'),
    ]);
    // Six epochs in a row, sequences from 0 in each: every produce was accepted, the aborted
    // transaction's records stay unread, and the group's offset is the last commit's.
    const expected = [0, 0, 1, 3, 4, 5].flatMap((i) => [0, 1, 2].map((p) => `${i}-${p}`));
    expect(await committedValues(topics.names.out, expected.length)).toEqual(expected.sort());
    const [entry] = await topics.admin.fetchOffsets({ groupId: group, topics: [topics.names.in] });
    expect(entry?.partitions.find((p) => p.partition === 0)?.offset).toBe('6');
  } finally {
    await producer.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 90_000);

test('a producer of the same transactional id fences the older one mid-transaction (transactions v2)', async () => {
  const topics = await testTopics(['out', 'in'], { partitions: 3 });
  const group = uniqueGroupId('transactions-v2-fence');
  const id = uniqueGroupId('transactions-v2-fence');
  const older = kafka().producer({ transactionalId: id, idempotent: true });
  const newer = kafka().producer({ transactionalId: id, idempotent: true });
  try {
    await older.connect();
    await transactions(older, topics.names, group, 2); // two epochs bumped by commits
    const open = await older.transaction();
    await open.send({ topic: topics.names.out, messages: [{ partition: 0, value: 'zombie' }] });
    // The newer producer's InitProducerId aborts the open transaction and fences its epoch.
    await newer.connect();
    await transactions(newer, topics.names, group, 1);
    // Read once the newer's commit is complete (while its markers are written the coordinator
    // answers anyone CONCURRENT_TRANSACTIONS): the zombie's record is not among them.
    const expected = ['0-0', '0-1', '0-2', '1-0', '1-1', '1-2', '0-0', '0-1', '0-2'];
    expect(await committedValues(topics.names.out, expected.length)).toEqual(expected.sort());
    await expect(open.commit()).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });
  } finally {
    await older.disconnect().catch(() => {});
    await newer.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 90_000);

test('transactionV2: false keeps transactions v1 on a cluster that runs v2', async () => {
  const topics = await testTopics(['out', 'in'], { partitions: 3 });
  const group = uniqueGroupId('transactions-v1');
  const producer = kafka().producer({
    transactionalId: uniqueGroupId('transactions-v1'),
    idempotent: true,
    transactionV2: false,
  });
  try {
    await producer.connect();
    await transactions(producer, topics.names, group, 1);
    const requests = await transactions(producer, topics.names, group, 3, 1);
    const count = (name: string) => requests.filter((r) => r.startsWith(`${name} `)).length;
    // Each at least once per transaction (AddPartitionsToTxn again where the coordinator was
    // still writing the last commit's markers: CONCURRENT_TRANSACTIONS, retried).
    expect(count('AddPartitionsToTxn')).toBeGreaterThanOrEqual(3);
    expect(count('AddOffsetsToTxn')).toBeGreaterThanOrEqual(3);
    expect(count('EndTxn')).toBe(3);
    expect(requests).not.toContain('Produce v12');
    expect(requests).not.toContain('EndTxn v5');
    const expected = [0, 0, 2].flatMap((i) => [0, 1, 2].map((p) => `${i}-${p}`));
    expect(await committedValues(topics.names.out, expected.length)).toEqual(expected.sort());
  } finally {
    await producer.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 90_000);
