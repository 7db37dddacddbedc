import { MinHeap } from './min-heap.ts';
import type { KeyValueStore, StoreSpec } from './types.ts';

/**
 * Key-value stores whose entries expire on STREAM time (frequency caps, de-duplication):
 * replaying a partition expires exactly what it expired the first time, whatever the wall clock.
 *
 * - An entry is framed with its expiry: `[0x01][expiresAt, int64 BE ms][value bytes]`, so the
 *   changelog restores expiries with the values. A value without the frame fails `decode`
 *   (and so the restore), as any value its codec refuses: restoring less would corrupt state.
 * - An entry with `expiresAt <= streamTime` is gone for readers at once (`ttlView`), whether or
 *   not it has been purged yet.
 * - `ExpiryIndex` finds what to purge without scanning the store: keys in per-bucket sets, the
 *   buckets in a min-heap. `due(streamTime)` returns only keys that have expired, and every key
 *   expired by at least one bucket (`bucketMs`, default 1 s) before stream time. Purging is
 *   thus up to a bucket late, which no reader sees.
 * - `purgeExpired` (at the end of a chunk, before its commit) deletes what is due through the
 *   store view, so each purge is a changelog tombstone in the chunk's transaction. The index
 *   lives beside the layered store and does not roll back with it: after a failed chunk, or
 *   a restore, build it again from the partition's state (`ExpiryIndex.of`, one pass).
 */
export interface Expiring<V> {
  readonly expiresAt: number;
  readonly value: V;
}

const FRAME = 0x01;
const HEADER = 9;

export function encodeExpiring(expiresAt: number, bytes: Buffer): Buffer {
  if (!Number.isSafeInteger(expiresAt)) throw new RangeError(`expiresAt must be an integer ms, got ${expiresAt}`);
  const out = Buffer.allocUnsafe(HEADER + bytes.length);
  out[0] = FRAME;
  out.writeBigInt64BE(BigInt(expiresAt), 1);
  bytes.copy(out, HEADER);
  return out;
}

/** The frame's expiry and value bytes (a view, not a copy); throws on anything else. */
export function decodeExpiring(framed: Buffer): { expiresAt: number; bytes: Buffer } {
  if (framed.length < HEADER || framed[0] !== FRAME) throw new TypeError('not a TTL-framed store value');
  return { expiresAt: Number(framed.readBigInt64BE(1)), bytes: framed.subarray(HEADER) };
}

/** A TTL store's codec from its values' codec, for the runtime's store registry. */
export function ttlCodec<V>(inner: StoreSpec<V>): StoreSpec<Expiring<V>> {
  return {
    encode: (entry) => encodeExpiring(entry.expiresAt, inner.encode(entry.value)),
    decode: (framed) => {
      const { expiresAt, bytes } = decodeExpiring(framed);
      return { expiresAt, value: inner.decode(bytes) };
    },
  };
}

export function isExpired(entry: Expiring<unknown>, streamTime: number): boolean {
  return entry.expiresAt <= streamTime;
}

export interface TtlStore<V> {
  /** Undefined when absent or expired (expiresAt <= stream time). */
  get(key: string): V | undefined;
  /** `expiresAt` in stream time (ms), e.g. the record's timestamp + the TTL. */
  put(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
}

/**
 * What a handler sees of a TTL store, over the runtime's layered store view. Puts and deletes
 * also update the index (if given); a key the index then reports is only a candidate: purge it
 * if the stored entry `isExpired`, since an attempt that failed may have moved it.
 */
export function ttlView<V>(
  store: KeyValueStore<Expiring<V>>,
  streamTime: () => number,
  index?: ExpiryIndex,
): TtlStore<V> {
  return {
    get(key) {
      const entry = store.get(key);
      return entry === undefined || isExpired(entry, streamTime()) ? undefined : entry.value;
    },
    put(key, value, expiresAt) {
      store.put(key, { expiresAt, value });
      index?.set(key, expiresAt);
    },
    delete(key) {
      store.delete(key);
      index?.delete(key);
    },
  };
}

/**
 * Deletes the entries the index reports due whose stored expiry has passed; a key whose stored
 * entry expires later (an attempt that failed had moved it in the index) is indexed again at
 * its stored expiry. Returns the purged keys.
 */
export function purgeExpired<V>(store: KeyValueStore<Expiring<V>>, index: ExpiryIndex, streamTime: number): string[] {
  const purged: string[] = [];
  for (const key of index.due(streamTime)) {
    const entry = store.get(key);
    if (entry === undefined) continue;
    if (isExpired(entry, streamTime)) {
      store.delete(key);
      purged.push(key);
    } else {
      index.set(key, entry.expiresAt);
    }
  }
  return purged;
}

export class ExpiryIndex {
  private readonly bucketMs: number;
  private readonly expiryOf = new Map<string, number>();
  private readonly buckets = new Map<number, Set<string>>();
  private readonly order = new MinHeap<number>((a, b) => a < b);

  /** An index of every entry of a store, e.g. once restored from its changelog. */
  static of(entries: Iterable<readonly [string, Expiring<unknown>]>, bucketMs?: number): ExpiryIndex {
    const index = new ExpiryIndex(bucketMs);
    for (const [key, entry] of entries) index.set(key, entry.expiresAt);
    return index;
  }

  constructor(bucketMs = 1_000) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
    this.bucketMs = bucketMs;
  }

  get size(): number {
    return this.expiryOf.size;
  }

  /** Sets (or moves) the key's expiry. */
  set(key: string, expiresAt: number): void {
    if (!Number.isSafeInteger(expiresAt)) throw new RangeError(`expiresAt must be an integer ms, got ${expiresAt}`);
    this.delete(key);
    const bucket = Math.floor(expiresAt / this.bucketMs);
    let keys = this.buckets.get(bucket);
    if (!keys) {
      keys = new Set();
      this.buckets.set(bucket, keys);
      this.order.push(bucket);
    }
    keys.add(key);
    this.expiryOf.set(key, expiresAt);
  }

  delete(key: string): void {
    const expiresAt = this.expiryOf.get(key);
    if (expiresAt === undefined) return;
    this.expiryOf.delete(key);
    const bucket = Math.floor(expiresAt / this.bucketMs);
    const keys = this.buckets.get(bucket);
    // An emptied bucket stays until due: dropping it would push it again on its next key, and
    // churn on one key would grow the heap without bound.
    keys?.delete(key);
  }

  /** Removes and returns the keys of every bucket that ends at or before stream time. */
  due(streamTime: number): string[] {
    const out: string[] = [];
    for (let top = this.order.peek(); top !== undefined; top = this.order.peek()) {
      // Bucket b holds expiries in [b·size, (b+1)·size): all expired once (b+1)·size - 1 <= streamTime.
      if ((top + 1) * this.bucketMs - 1 > streamTime) break;
      this.order.pop();
      const keys = this.buckets.get(top)!;
      this.buckets.delete(top);
      for (const key of keys) {
        this.expiryOf.delete(key);
        out.push(key);
      }
    }
    return out;
  }
}
