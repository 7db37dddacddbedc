import { describe, expect, it } from 'vitest';
import { clickDedupKey, conversionDedupKey, expireSeen, firstWins, type SeenKeys } from './dedup.ts';

describe('de-duplication, first wins', () => {
  it('counts one click per impression and one conversion per id', () => {
    let seen: SeenKeys = {};
    const admitted: string[] = [];
    const stream = [
      clickDedupKey('i1'),
      clickDedupKey('i1'),
      conversionDedupKey('i1'),
      conversionDedupKey('c9'),
      conversionDedupKey('c9'),
    ];
    stream.forEach((key, n) => {
      const r = firstWins(seen, key, 100);
      seen = r.next;
      if (r.first) admitted.push(`${n}:${key}`);
    });
    expect(admitted).toEqual(['0:click:i1', '2:conversion:i1', '3:conversion:c9']);
  });

  it('forgets keys by event time only after their expiry', () => {
    const seen = firstWins({}, 'k', 100).next;
    expect(expireSeen(seen, 100)).toBe(seen);
    expect(expireSeen(seen, 101)).toEqual({});
  });
});
