import { expect, test } from 'vitest';
import { Coalescer } from './coalescer.ts';

test('what arrives while a flush is in flight goes out together in the next flush', async () => {
  const flushes: number[][] = [];
  let release = () => {};
  const coalescer = new Coalescer<number>(async (items) => {
    flushes.push(items);
    if (flushes.length === 1) await new Promise<void>((r) => (release = r));
  });
  const first = coalescer.submit(1);
  const rest = [2, 3, 4].map((n) => coalescer.submit(n));
  release();
  await Promise.all([first, ...rest]);
  expect(flushes).toEqual([[1], [2, 3, 4]]);
});

test('a failed flush rejects every submission in it, and the next flush still runs', async () => {
  let calls = 0;
  const coalescer = new Coalescer<number>(async () => {
    calls += 1;
    if (calls === 1) throw new Error('broker away');
  });
  await expect(coalescer.submit(1)).rejects.toThrow('broker away');
  await expect(coalescer.submit(2)).resolves.toBeUndefined();
});
