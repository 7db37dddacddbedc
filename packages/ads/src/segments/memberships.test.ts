import type { UserSegments } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import {
  diffMembers,
  meetsAttributes,
  membersBySegment,
  membershipRecords,
  nextBuilderVersion,
} from './memberships.ts';

const user = (userKey: string, segments: string[], more: Partial<UserSegments> = {}): UserSegments => ({
  userKey,
  segments,
  interests: ['IAB20'],
  ageBracket: 'AGE_25_34',
  embedding: [0.5, 0.5],
  builderVersion: 3,
  updatedAtMs: 1000,
  ...more,
});

describe('segment diff', () => {
  it('counts added and removed users; change in % of the previous size; large above 20 %', () => {
    const prev = new Set(Array.from({ length: 10 }, (_, i) => `u${i}`));
    expect(diffMembers(prev, new Set(prev))).toEqual({ usersAdded: 0, usersRemoved: 0, changePct: 0, large: false });
    const twoOut = new Set([...prev].slice(2));
    expect(diffMembers(prev, twoOut)).toEqual({ usersAdded: 0, usersRemoved: 2, changePct: 20, large: false });
    const swapped = new Set([...[...prev].slice(2), 'n1']);
    expect(diffMembers(prev, swapped)).toEqual({ usersAdded: 1, usersRemoved: 2, changePct: 30, large: true });
  });

  it('a segment that had no members: 100 % when it has some now, 0 % when it still has none', () => {
    expect(diffMembers(new Set(), new Set(['a']))).toEqual({
      usersAdded: 1,
      usersRemoved: 0,
      changePct: 100,
      large: true,
    });
    expect(diffMembers(new Set(), new Set())).toEqual({ usersAdded: 0, usersRemoved: 0, changePct: 0, large: false });
    expect(diffMembers(new Set(['a']), new Set()).changePct).toBe(100);
  });
});

describe('memberships to publish', () => {
  const current = new Map([
    ['a', user('a', ['seg-demo', 's1'])],
    ['b', user('b', ['s1', 's2'])],
    ['c', user('c', ['seg-demo'])],
  ]);

  it('previous members per built segment come from the current records', () => {
    expect(membersBySegment(current.values(), ['s1', 's2', 's3'])).toEqual(
      new Map([
        ['s1', new Set(['a', 'b'])],
        ['s2', new Set(['b'])],
        ['s3', new Set()],
      ]),
    );
  });

  it('replaces only the built segments, keeps every other field, skips unchanged users, adds new ones with defaults', () => {
    const built = new Map([
      ['s1', new Set(['a', 'd'])], // b leaves s1, d joins
      ['s2', new Set(['b'])], // unchanged
    ]);
    const records = membershipRecords({ current, built, builderVersion: 4, nowMs: 5000 });
    expect(records).toEqual([
      // a: in s1 before and now: unchanged, not published
      user('b', ['s2'], { builderVersion: 4, updatedAtMs: 5000 }),
      {
        userKey: 'd',
        segments: ['s1'],
        interests: [],
        ageBracket: 'UNKNOWN',
        embedding: [],
        builderVersion: 4,
        updatedAtMs: 5000,
      },
    ]);
  });

  it('a user who leaves every built segment keeps the others, or gets an empty list', () => {
    const records = membershipRecords({
      current,
      built: new Map([['s1', new Set<string>()]]),
      builderVersion: 4,
      nowMs: 1,
    });
    expect(records.map((r) => [r.userKey, r.segments])).toEqual([
      ['a', ['seg-demo']],
      ['b', ['s2']],
    ]);
  });

  it('attribute criteria read the current record; a user without one has unknown age and no interests', () => {
    const u = user('a', []);
    expect(
      meetsAttributes(u, [
        { type: 'age_bracket', in: ['AGE_25_34'] },
        { type: 'interests', any: ['IAB1', 'IAB20'] },
      ]),
    ).toBe(true);
    expect(meetsAttributes(u, [{ type: 'interests', any: ['IAB1'] }])).toBe(false);
    expect(meetsAttributes(undefined, [{ type: 'age_bracket', in: ['UNKNOWN'] }])).toBe(true);
    expect(meetsAttributes(undefined, [{ type: 'interests', any: ['IAB20'] }])).toBe(false);
  });

  it('the next builder version is one above the highest seen, 1 for an empty topic', () => {
    expect(nextBuilderVersion(current.values())).toBe(4);
    expect(nextBuilderVersion([])).toBe(1);
  });
});
