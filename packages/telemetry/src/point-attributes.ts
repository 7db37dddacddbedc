import type { Attributes } from '@opentelemetry/api';

/**
 * One frozen attributes object per distinct key, made once and kept, for metric points recorded
 * per message or per event. The metrics SDK hashes a point's attributes on every record (keys
 * sorted, then JSON: ~1–2 µs for a few keys) unless it is handed the same frozen object again
 * (patches/@opentelemetry__sdk-metrics@3.1.0.patch keeps that hash). `key` names the set — a
 * value, or several joined — and `make` builds it the first time. Past `limit` distinct keys (a
 * value that is really data) each call makes a fresh object: correct, only not cached.
 */
export function pointAttributes<K extends string>(make: (key: K) => Attributes, limit = 1_000): (key: K) => Attributes {
  const sets = new Map<K, Attributes>();
  return (key) => {
    const known = sets.get(key);
    if (known) return known;
    const made = Object.freeze(make(key));
    if (sets.size < limit) sets.set(key, made);
    return made;
  };
}
