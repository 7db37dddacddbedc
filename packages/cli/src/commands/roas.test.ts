import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.ts';
import { parseSince } from './roas.ts';

describe('adtrace roas --since', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  it('takes a duration back from now or an ISO time', () => {
    expect(parseSince('30m', now)).toBe(now - 30 * 60_000);
    expect(parseSince('6h', now)).toBe(now - 6 * 3_600_000);
    expect(parseSince('2d', now)).toBe(now - 2 * 86_400_000);
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('2026-11-26T10:00:00Z', now)).toBe(Date.UTC(2026, 10, 26, 10, 0, 0));
  });
  it('refuses anything else as a usage error', () => {
    expect(() => parseSince('yesterday', now)).toThrow(UsageError);
    expect(() => parseSince('5w', now)).toThrow(/--since must be an ISO time or a duration/);
  });
});
