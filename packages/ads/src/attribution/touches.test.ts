import { describe, expect, it } from 'vitest';
import { toAttributionConfig } from './config.ts';
import { EMPTY_TOUCH_STATE, pruneTouches, recordTouch, type Touch, touchStateExpiresAtMs } from './touches.ts';

const touch = (type: 'CLICK' | 'VIEW', id: string, timeMs: number): Touch => ({
  type,
  impressionId: id,
  eventId: type === 'CLICK' ? `${id}:click` : id,
  timeMs,
  campaignId: 'c',
  adId: 'a',
  originalEventId: id,
  traceparent: null,
});

describe('touch state', () => {
  const config = toAttributionConfig({ clickWindowMs: 1000, viewWindowMs: 100, latenessMs: 50, maxTouchesPerType: 3 });

  it('keeps touches sorted and is idempotent on redelivery', () => {
    let s = recordTouch(EMPTY_TOUCH_STATE, touch('CLICK', 'b', 20), 20, config);
    s = recordTouch(s, touch('CLICK', 'a', 10), 20, config);
    s = recordTouch(s, touch('CLICK', 'b', 20), 20, config);
    expect(s.clicks.map((t) => t.eventId)).toEqual(['a:click', 'b:click']);
  });

  it('expires by event time: a touch lives until time + window + lateness', () => {
    let s = recordTouch(EMPTY_TOUCH_STATE, touch('VIEW', 'v', 0), 0, config);
    s = recordTouch(s, touch('CLICK', 'c', 0), 0, config);
    expect(pruneTouches(s, 150, config).views).toHaveLength(1);
    expect(pruneTouches(s, 151, config).views).toHaveLength(0);
    expect(pruneTouches(s, 1050, config).clicks).toHaveLength(1);
    expect(pruneTouches(s, 1051, config)).toEqual(EMPTY_TOUCH_STATE);
    expect(touchStateExpiresAtMs(s, config)).toBe(1051);
  });

  it('is bounded: at most maxTouchesPerType of each, newest kept', () => {
    let s = EMPTY_TOUCH_STATE;
    for (let i = 0; i < 10; i++) s = recordTouch(s, touch('CLICK', `i${i}`, i), i, config);
    expect(s.clicks.map((t) => t.impressionId)).toEqual(['i7', 'i8', 'i9']);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
