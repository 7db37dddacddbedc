import { describe, expect, test } from 'vitest';
import { MinHeap } from './min-heap.ts';
import { PartitionState, storeView, Writes } from './store.ts';
import { jsonStore } from './store-codecs.ts';
import { decodeExpiring, type Expiring, ExpiryIndex, encodeExpiring, purgeExpired, ttlCodec, ttlView } from './ttl.ts';

describe('TTL framing', () => {
  test('round-trips the expiry and the value bytes, also negative and large expiries', () => {
    for (const expiresAt of [0, -5, 1_700_000_000_123, Number.MAX_SAFE_INTEGER]) {
      const framed = encodeExpiring(expiresAt, Buffer.from('seen'));
      expect(framed).toHaveLength(13);
      const { expiresAt: back, bytes } = decodeExpiring(framed);
      expect([back, bytes.toString()]).toEqual([expiresAt, 'seen']);
    }
    expect(decodeExpiring(encodeExpiring(1, Buffer.alloc(0))).bytes).toHaveLength(0);
  });

  test('refuses values that are not framed and expiries that are not integer ms', () => {
    expect(() => decodeExpiring(Buffer.from('{"a":1}'))).toThrow(/not a TTL-framed/);
    expect(() => decodeExpiring(Buffer.from([1, 0, 0]))).toThrow(/not a TTL-framed/);
    expect(() => encodeExpiring(1.5, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => encodeExpiring(Number.POSITIVE_INFINITY, Buffer.alloc(0))).toThrow(RangeError);
  });

  test('ttlCodec wraps a store codec', () => {
    const codec = ttlCodec(jsonStore<{ n: number }>());
    expect(codec.decode(codec.encode({ expiresAt: 42, value: { n: 7 } }))).toEqual({ expiresAt: 42, value: { n: 7 } });
  });
});

describe('a TTL store view', () => {
  test('hides an entry once stream time reaches its expiry, before any purge', () => {
    const codec = ttlCodec(jsonStore<number>());
    const state = new PartitionState();
    const chunk = new Writes();
    let now = 1_000;
    const index = new ExpiryIndex(100);
    const seen = ttlView(storeView<Expiring<number>>('seen', codec, state, chunk, new Writes()), () => now, index);
    seen.put('imp-1', 1, 1_500);
    seen.put('imp-2', 2, 3_000);
    expect([seen.get('imp-1'), seen.get('imp-2')]).toEqual([1, 2]);
    now = 1_499;
    expect(seen.get('imp-1')).toBe(1);
    now = 1_500;
    expect([seen.get('imp-1'), seen.get('imp-2')]).toEqual([undefined, 2]);
    seen.delete('imp-2');
    expect(seen.get('imp-2')).toBeUndefined();
    expect(index.size).toBe(1);
    expect(index.due(1_599)).toEqual(['imp-1']);
  });
});

describe('purgeExpired', () => {
  test('deletes due entries through the store view (tombstones in the chunk), re-indexes a key that expires later', () => {
    const codec = ttlCodec(jsonStore<string>());
    const state = new PartitionState();
    state.store('seen').set('old', { expiresAt: 1_000, value: 'a' });
    state.store('seen').set('moved', { expiresAt: 9_000, value: 'b' });
    state.store('seen').set('fresh', { expiresAt: 50_000, value: 'c' });
    const index = ExpiryIndex.of(state.store('seen') as Map<string, Expiring<string>>, 1_000);
    expect(index.size).toBe(3);
    // A failed attempt moved `moved` to 2_000 in the index; the store still says 9_000.
    index.set('moved', 2_000);
    index.set('ghost', 1_500); // indexed by a failed attempt, never stored
    const chunk = new Writes();
    const raw = storeView<Expiring<string>>('seen', codec, state, chunk, chunk);
    expect(purgeExpired(raw, index, 5_000)).toEqual(['old']);
    expect([...chunk.changelog()]).toEqual([{ store: 'seen', key: 'old', bytes: null }]);
    expect(index.size).toBe(2);
    expect(purgeExpired(raw, index, 9_999)).toEqual(['moved']);
    chunk.applyTo(state);
    expect([...state.store('seen').keys()]).toEqual(['fresh']);
  });
});

describe('ExpiryIndex', () => {
  test('returns only expired keys, each once, whole buckets at a time, in bucket order', () => {
    const index = new ExpiryIndex(1_000);
    index.set('a', 1_000);
    index.set('b', 1_999);
    index.set('c', 500);
    index.set('d', 5_000);
    expect(index.due(Number.NEGATIVE_INFINITY)).toEqual([]);
    // Bucket 1 ([1000, 2000)) is not wholly expired at 1_998: b (1_999) has not expired.
    expect(index.due(1_998)).toEqual(['c']);
    expect(index.due(1_999).sort()).toEqual(['a', 'b']);
    expect(index.due(1_999)).toEqual([]);
    expect(index.size).toBe(1);
    expect(index.due(10_000)).toEqual(['d']);
    expect(index.size).toBe(0);
  });

  test('a moved key expires at its new time only; a deleted key never', () => {
    const index = new ExpiryIndex(10);
    index.set('k', 100);
    index.set('k', 300);
    index.set('gone', 100);
    index.delete('gone');
    index.delete('never-set');
    expect(index.due(200)).toEqual([]);
    expect(index.due(309)).toEqual(['k']);
    expect(() => index.set('x', 1.5)).toThrow(RangeError);
  });

  test('churn on one key keeps one heap entry per bucket', () => {
    const index = new ExpiryIndex(1_000);
    for (let i = 0; i < 10_000; i++) {
      index.set('k', 5_000);
      index.delete('k');
    }
    index.set('k', 5_000);
    const order = (index as unknown as { order: MinHeap<number> }).order;
    expect(order.size).toBe(1);
    expect(index.due(6_000)).toEqual(['k']);
  });

  test('due is proportional to what expired, not to the index size', () => {
    const index = new ExpiryIndex(1_000);
    for (let i = 0; i < 50_000; i++) index.set(`k${i}`, 1_000_000 + i);
    index.set('early', 10);
    // Far-off entries are untouched by an early due(); a later one takes exactly its buckets.
    expect(index.due(999)).toEqual(['early']);
    expect(index.due(1_000_999)).toHaveLength(1_000);
    expect(index.size).toBe(49_000);
  });
});

test('MinHeap pops in order', () => {
  const heap = new MinHeap<number>((a, b) => a < b);
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
  for (const v of values) heap.push(v);
  const out: number[] = [];
  for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
  expect(out).toEqual([...values].sort((a, b) => a - b));
});
