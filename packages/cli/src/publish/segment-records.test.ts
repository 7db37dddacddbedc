import { readFileSync } from 'node:fs';
import { createUserKeyer, DEMO_USERS_URL, type DemoUser } from '@adtrace/ads';
import { createCodec, RecordNames } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { parseRecordFile } from './record-file.ts';
import { checkSegments } from './segment-records.ts';

const keyer = createUserKeyer('k'.repeat(32));
const demo = parseRecordFile(readFileSync(DEMO_USERS_URL, 'utf8'));
const user = demo[0]!.value as DemoUser;

describe('checkSegments', () => {
  it('keys each demo user by the HMAC ingest makes of its user id, with its memberships', () => {
    const checked = checkSegments(demo, keyer);
    expect(checked.length).toBe(demo.length);
    const ingestKey = keyer({ userId: user.userId, ifa: undefined }, 'some-event').key;
    expect(checked[0]!.key).toBe(ingestKey);
    expect(checked[0]!.key).not.toContain(user.userId);
    expect(createCodec(RecordNames.UserSegments).decode(checked[0]!.value)).toEqual({
      ...user.segments,
      userKey: ingestKey,
    });
    expect(new Set(checked.map((c) => c.key)).size).toBe(checked.length);
  });

  it('takes a UserSegments record with its own key as it is', () => {
    const record = { ...user.segments, userKey: 'u1_already-keyed' };
    expect(checkSegments([{ line: 1, value: record }], keyer)[0]!.key).toBe('u1_already-keyed');
  });

  it('refuses a bad record by line and field', () => {
    const bad = { ...user, segments: { ...user.segments, ageBracket: 'AGE_99' } };
    expect(() => checkSegments([{ line: 5, value: bad }], keyer)).toThrow(
      'line 5: ageBracket has the wrong type or is missing',
    );
    expect(() => checkSegments([{ line: 2, value: { segments: [] } }], keyer)).toThrow(
      'line 2: userKey or userId is required',
    );
    const short = { ...user, segments: { ...user.segments, embedding: [1, 0] } };
    expect(() => checkSegments([{ line: 3, value: short }], keyer)).toThrow(/line 3: embedding must have 32 values/);
    expect(() => checkSegments([demo[0]!, { ...demo[0]!, line: 9 }], keyer)).toThrow(/line 9: the same user as line 1/);
  });
});
