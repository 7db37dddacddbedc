// Our kafkajs patch groups a send's messages by partition in one pass (patches/kafkajs@2.2.4.patch):
// stock kafkajs copied a partition's array for every message added to it, quadratic in a chunk
// of hundreds. Checked here for what it returns and, without a clock, for the work it does: the
// array elements it steps through, counted through the array iterator.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Message = { key: string; n: number };
const groupMessagesPerPartition: (args: {
  topic: string;
  partitionMetadata: { partitionId: number }[];
  messages: Message[];
  partitioner: (a: { message: Message }) => number;
}) => Record<string, Message[]> = require('kafkajs/src/producer/groupMessagesPerPartition.js');

const partitionMetadata = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];
const partitioner = ({ message }: { message: Message }) => message.n % 3;
const messages = (count: number): Message[] => Array.from({ length: count }, (_, n) => ({ key: `k${n}`, n }));

/** How many array elements `fn` steps through with the array iterator (spreads, for…of). */
function elementsIterated(fn: () => void): number {
  const original = Array.prototype[Symbol.iterator];
  let count = 0;
  Array.prototype[Symbol.iterator] = function (this: unknown[]) {
    const inner = original.call(this);
    return {
      next: () => {
        const step = inner.next();
        if (!step.done) count++;
        return step;
      },
      [Symbol.iterator]() {
        return this;
      },
    } as ArrayIterator<unknown>;
  };
  try {
    fn();
  } finally {
    Array.prototype[Symbol.iterator] = original;
  }
  return count;
}

describe('the patched kafkajs grouping of a send by partition', () => {
  it('puts every message in its partition, in the order sent', () => {
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages: messages(10), partitioner });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2']);
    expect(grouped['0']?.map((m) => m.n)).toEqual([0, 3, 6, 9]);
    expect(grouped['1']?.map((m) => m.n)).toEqual([1, 4, 7]);
    expect(grouped['2']?.map((m) => m.n)).toEqual([2, 5, 8]);
    expect(
      groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: messages(3), partitioner }),
    ).toEqual({});
  });

  it('steps through each message once, however many go to one partition (stock kafkajs: n²/2)', () => {
    const batch = messages(3000);
    const steps = elementsIterated(() =>
      groupMessagesPerPartition({ topic: 't', partitionMetadata, messages: batch, partitioner: () => 0 }),
    );
    expect(steps).toBeLessThanOrEqual(2 * batch.length);
  });
});
