import { expect, test } from 'vitest';
import { PartitionState, storeView, Writes } from './store.ts';
import { jsonStore } from './store-codecs.ts';

test('a handler reads its own writes, then the chunk, then the restored state; nothing lands before the chunk is durable', () => {
  const state = new PartitionState();
  state.store('caps').set('u1', 3);
  state.store('caps').set('u2', 9);
  const chunk = new Writes();
  const first = new Writes();
  const caps = storeView('caps', jsonStore<number>(), state, chunk, first);
  caps.put('u1', (caps.get('u1') ?? 0) + 1);
  caps.delete('u2');
  expect([caps.get('u1'), caps.get('u2')]).toEqual([4, undefined]);
  expect(state.store('caps').get('u1')).toBe(3);
  first.mergeInto(chunk);
  // A failed attempt's writes are dropped: the next attempt sees only the chunk's.
  const failed = new Writes();
  storeView('caps', jsonStore<number>(), state, chunk, failed).put('u1', 100);
  expect(storeView('caps', jsonStore<number>(), state, chunk, new Writes()).get('u1')).toBe(4);
  expect([...chunk.changelog()]).toEqual([
    { store: 'caps', key: 'u1', bytes: Buffer.from('4') },
    { store: 'caps', key: 'u2', bytes: null },
  ]);
  chunk.applyTo(state);
  expect([...state.store('caps')]).toEqual([['u1', 4]]);
});
