import { describe, expect, it } from 'vitest';
import { deriveEventId, impressionIdOf, splitImpressionId } from './event-id.ts';

describe('deriveEventId', () => {
  it('maps a duplicate request to the same event', () => {
    expect(deriveEventId('exchange-a', 'req-1')).toBe(deriveEventId('exchange-a', 'req-1'));
  });

  it('tells requests and sources apart, including when the separator is in the ids', () => {
    const ids = [
      deriveEventId('exchange-a', 'req-1'),
      deriveEventId('exchange-a', 'req-2'),
      deriveEventId('exchange-b', 'req-1'),
      deriveEventId('a:b', 'c'),
      deriveEventId('a', 'b:c'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is a version 8 UUID that shows nothing of the request id', () => {
    const id = deriveEventId('exchange-a', 'b7a1c0de-5f3e-4a9b-8c21-0e6f9d2a7b44');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).not.toContain('b7a1c0de');
  });
});

describe('impression ids', () => {
  const eventId = deriveEventId('exchange-a', 'req-1');

  it('differ for two imps of one event, and split back into their parts', () => {
    const a = impressionIdOf(eventId, '1');
    const b = impressionIdOf(eventId, '2');
    expect(a).not.toBe(b);
    expect(splitImpressionId(a)).toEqual({ eventId, impId: '1' });
    expect(splitImpressionId(impressionIdOf(eventId, 'slot.top'))).toEqual({ eventId, impId: 'slot.top' });
  });

  it('refuses an event id that would make the split ambiguous', () => {
    expect(() => impressionIdOf('a.b', '1')).toThrow(/must not contain/);
    expect(() => splitImpressionId('no-dot')).toThrow(/not an impression id/);
  });
});
