import { describe, expect, it } from 'vitest';
import { batchesOf } from './publish-records.ts';

const rec = (key: string, size: number) => ({ key, value: Buffer.alloc(size) });

describe('batchesOf', () => {
  it('splits by bytes, keeps order, and sends a record larger than the bound alone', () => {
    const records = [rec('a', 40), rec('b', 40), rec('c', 40), rec('d', 300), rec('e', 10)];
    const batches = batchesOf(records, 100);
    expect(batches.map((b) => b.map((r) => r.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });
  it('keeps every record', () => {
    const records = Array.from({ length: 1000 }, (_, i) => rec(`k${i}`, 7000));
    expect(batchesOf(records, 512 * 1024).flat()).toHaveLength(1000);
  });
});
