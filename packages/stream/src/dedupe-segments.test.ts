import { describe, expect, it } from 'vitest';
import { DedupeSegments, decodeSegment, restoreDedupe, SEGMENT_PREFIX } from './dedupe-segments.ts';
import { type Expiring, encodeExpiring } from './ttl.ts';

const framed = (expiresAt: number) => encodeExpiring(expiresAt, Buffer.alloc(0));
const puts = (n: number, expiresAt: (i: number) => number): [string, Buffer][] =>
  Array.from({ length: n }, (_, i) => [`k${i}`, framed(expiresAt(i))]);

describe('the de-duplication changelog in segments', () => {
  it("writes a chunk's new keys as one record per 2,000 keys, with their expiries", () => {
    const ledger = new DedupeSegments();
    const out = ledger.records(
      puts(2_500, (i) => 10_000 + i),
      0,
    );
    expect(out).toHaveLength(2);
    expect(out.every((r) => r.key.startsWith(SEGMENT_PREFIX) && r.value !== null)).toBe(true);
    const entries = out.flatMap((r) => decodeSegment(r.value!));
    expect(entries).toHaveLength(2_500);
    expect(entries[2_499]).toEqual(['k2499', 12_499]);
    // Staged until the chunk commits.
    expect(ledger.size).toBe(0);
    ledger.commit([]);
    expect(ledger.size).toBe(2);
  });

  it('tombstones a segment once its latest key expired, and only when that chunk commits', () => {
    const ledger = new DedupeSegments();
    const [first] = ledger.records(
      puts(3, (i) => 1_000 + i),
      0,
    );
    ledger.commit([]);
    // Keys purged one by one in memory write nothing.
    expect(ledger.records([['k0', null]], 1_001)).toEqual([]);
    ledger.commit(['k0']);
    // Stream time at the latest expiry: the segment goes, in a chunk that is rolled back first.
    expect(ledger.records([], 1_002)).toEqual([{ key: first!.key, value: null }]);
    ledger.rollback();
    expect(ledger.size).toBe(1);
    expect(ledger.records([], 1_002)).toEqual([{ key: first!.key, value: null }]);
    ledger.commit([]);
    expect(ledger.size).toBe(0);
    expect(ledger.records([], 5_000)).toEqual([]);
  });

  it('restores segments and per-key records written before segments; a legacy key purged gets its tombstone', () => {
    const ledger = new DedupeSegments();
    const writer = new DedupeSegments();
    const [s1] = writer.records(
      [
        ['a', framed(100)],
        ['b', framed(200)],
      ],
      0,
    );
    const [s2] = writer.records([['a', framed(900)]], 150); // `a` seen again after it expired
    const [gone] = writer.records([['z', framed(50)]], 0);
    const into = new Map<string, unknown>();
    restoreDedupe(
      [
        [s1!.key, s1!.value],
        [s2!.key, s2!.value],
        [gone!.key, null], // tombstoned
        ['legacy', framed(300)],
      ],
      into,
      ledger,
    );
    expect(Object.fromEntries(into)).toEqual({
      a: { expiresAt: 900, value: 1 } satisfies Expiring<number>,
      b: { expiresAt: 200, value: 1 },
      legacy: { expiresAt: 300, value: 1 },
    });
    expect(ledger.size).toBe(2);
    expect([...ledger.legacy]).toEqual(['legacy']);
    const out = ledger.records([['legacy', null]], 250);
    expect(out).toEqual([
      { key: 'legacy', value: null },
      { key: s1!.key, value: null },
    ]);
    ledger.commit(['legacy']);
    expect(ledger.legacy.size).toBe(0);
  });

  it('refuses a segment it cannot read (a restore must not hold less than was written)', () => {
    expect(() => decodeSegment(Buffer.from('{"a":1}'))).toThrow('not a de-duplication segment');
    expect(() => decodeSegment(Buffer.from('[["a","soon"]]'))).toThrow('entry');
  });
});
