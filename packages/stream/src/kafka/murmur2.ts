/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`), which chooses a keyed record's partition:
 * every client must hash a key as Java does, or a key's records land apart from the state and
 * inputs co-partitioned with it. 32-bit integer arithmetic (`Math.imul`): kafkajs's own builds
 * a 64-bit Long object per step and @platformatic/kafka's BigInts, ~1 µs per key, paid on every
 * produced record. A string key is hashed as its UTF-8 bytes, read straight from the string
 * while it is ASCII.
 */
const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;

export function murmur2(key: string | Uint8Array): number {
  if (typeof key === 'string')
    return isAscii(key) ? hash(key.length, (i) => key.charCodeAt(i)) : hashBytes(Buffer.from(key));
  return hashBytes(key);
}

function hashBytes(data: Uint8Array): number {
  return hash(data.length, (i) => data[i] as number);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function hash(length: number, byte: (i: number) => number): number {
  let h = SEED ^ length;
  const end = length & ~3;
  for (let i = 0; i < end; i += 4) {
    let k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1-3 bytes (Java's switch falls through from case 3 to case 1).
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= byte(end + 2) << 16;
    if (tail >= 2) h ^= byte(end + 1) << 8;
    h ^= byte(end);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/** The partition of a keyed record among `partitions`, as the Java client's default partitioner chooses it. */
export function keyPartition(key: string | Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
