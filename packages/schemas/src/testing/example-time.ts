// Realistic records for tests and benchmarks: sizes and field fill like real traffic, so that
// size and speed figures mean something. Times are fixed so that outputs are reproducible.
export const T0 = Date.UTC(2025, 5, 2, 14, 30, 0);

/** A 32-dimension embedding, exactly representable as Avro floats so that it round-trips. */
export function exampleEmbedding(seed: number): number[] {
  return Array.from({ length: 32 }, (_, i) => Math.fround(Math.sin(seed * 31 + i * 0.7) * 0.5));
}
