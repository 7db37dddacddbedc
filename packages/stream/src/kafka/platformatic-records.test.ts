import { expect, test } from 'vitest';
import { committedRecords, type RawBatch } from './platformatic-records.ts';

const record = (offsetDelta: number, value: string) => ({
  timestampDelta: BigInt(offsetDelta),
  offsetDelta,
  key: Buffer.from('k'),
  value: Buffer.from(value),
  headers: [[Buffer.from('h'), Buffer.from('1')]] as const,
});
const data = (first: bigint, producerId: bigint, values: string[], transactional = true): RawBatch => ({
  firstOffset: first,
  lastOffsetDelta: values.length - 1,
  firstTimestamp: 1000n,
  attributes: transactional ? 0x10 : 0,
  producerId,
  records: values.map((v, i) => record(i, v)),
});
/** A control batch: key = version (int16) + type (int16): 0 abort, 1 commit. */
const marker = (offset: bigint, producerId: bigint, type: 0 | 1): RawBatch => ({
  firstOffset: offset,
  lastOffsetDelta: 0,
  firstTimestamp: 1000n,
  attributes: 0x30,
  producerId,
  records: [{ ...record(0, ''), key: Buffer.from([0, 0, 0, type]), value: null, headers: [] }],
});

test('records of an aborted transaction are dropped, committed ones and markers pass through', () => {
  const batches = [
    data(0n, 7n, ['a0', 'a1']),
    data(2n, 8n, ['c0']),
    marker(3n, 7n, 0),
    marker(4n, 8n, 1),
    data(5n, 7n, ['later']),
  ];
  const { records, next } = committedRecords(batches, [{ producerId: 7n, firstOffset: 0n }], 0n);
  expect(records.map((r) => r.value?.toString())).toEqual(['c0', 'later']);
  expect(records.map((r) => r.offset)).toEqual(['2', '5']);
  expect(next).toBe(6n);
});

test('records before the fetch position are skipped; headers and timestamps are decoded', () => {
  const { records, next } = committedRecords([data(10n, -1n, ['x', 'y', 'z'], false)], null, 11n);
  expect(records.map((r) => r.offset)).toEqual(['11', '12']);
  expect(records[0]?.timestamp).toBe('1001');
  expect(records[0]?.headers).toEqual({ h: Buffer.from('1') });
  expect(next).toBe(13n);
});

test('a fetch of markers only still moves the position past them', () => {
  const { records, next } = committedRecords([marker(20n, 3n, 1)], [], 20n);
  expect(records).toEqual([]);
  expect(next).toBe(21n);
});

test('an aborted transaction whose ABORT marker is not in this response is still dropped', () => {
  const batches = [data(0n, 7n, ['a0', 'a1']), data(2n, 8n, ['c0'])];
  const { records, next } = committedRecords(batches, [{ producerId: 7n, firstOffset: 0n }], 0n);
  expect(records.map((r) => r.value?.toString())).toEqual(['c0']);
  expect(next).toBe(3n);
});
