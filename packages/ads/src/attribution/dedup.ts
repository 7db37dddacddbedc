/**
 * De-duplication semantics, first wins: a click counts once per impression (a double click or
 * a redelivered click adds nothing), a conversion once per conversion id. The runtime's
 * de-duplication store holds the seen keys; these helpers name the keys and give the rule over
 * a plain JSON map for tests and for state the service keeps itself.
 */

export const clickDedupKey = (impressionId: string): string => `click:${impressionId}`;
export const conversionDedupKey = (conversionId: string): string => `conversion:${conversionId}`;

/** Seen key → the stream time (event-time ms) after which it may be forgotten. */
export type SeenKeys = Readonly<Record<string, number>>;

/** First wins: `first` is true only for a key not seen before; the later copies are dropped. */
export function firstWins(seen: SeenKeys, key: string, expiresAtMs: number): { first: boolean; next: SeenKeys } {
  if (Object.hasOwn(seen, key)) return { first: false, next: seen };
  return { first: true, next: { ...seen, [key]: expiresAtMs } };
}

/** Forgets keys whose expiry is before stream time; a duplicate arriving later than that counts again, so pick the TTL above any redelivery delay. */
export function expireSeen(seen: SeenKeys, streamTimeMs: number): SeenKeys {
  const kept = Object.entries(seen).filter(([, expiresAt]) => expiresAt >= streamTimeMs);
  return kept.length === Object.keys(seen).length ? seen : Object.fromEntries(kept);
}
