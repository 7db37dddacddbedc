import { describe, expect, it } from 'vitest';
import { demoUserEvents } from './demo-trackers.ts';

describe('ADTRACE_DEMO_USER_EVENTS', () => {
  it('is on unless 0; anything else is a usage error', () => {
    expect(demoUserEvents({})).toBe(true);
    expect(demoUserEvents({ ADTRACE_DEMO_USER_EVENTS: '1' })).toBe(true);
    expect(demoUserEvents({ ADTRACE_DEMO_USER_EVENTS: ' 0 ' })).toBe(false);
    expect(() => demoUserEvents({ ADTRACE_DEMO_USER_EVENTS: 'no' })).toThrow(/must be 1 .* or 0/);
  });
});
