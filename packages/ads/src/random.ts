// Deterministic randomness and hashing. The demo catalog, the ground truth and the simulator
// must give the same output on every machine and Node version, so nothing here may use
// Math.random or a platform hash: every value comes from an explicit seed.

/** A seeded PRNG (mulberry32): fast, 32-bit state, good enough for simulation. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit FNV-1a of a string's UTF-16 code units: the feature and seed hash. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return finalize(h);
}

/** Combines two 32-bit hashes into one (order matters): how crossed features get their hash. */
export function mixHashes(a: number, b: number): number {
  return finalize(Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ (b + 0x7f4a7c15));
}

// murmur3's finalizer: spreads FNV's weak low bits so that `h & mask` buckets evenly.
function finalize(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A standard normal draw (Box-Muller) from a uniform source. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One item of a non-empty list, uniformly. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A seed for a named sub-stream, so that adding draws to one part leaves the others unchanged. */
export function subSeed(seed: number, name: string): number {
  return hashString(name, seed ^ 0x811c9dc5);
}
