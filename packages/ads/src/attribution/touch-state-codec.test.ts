import { describe, expect, it } from 'vitest';
import { clickTouchOf } from './attribute.ts';
import { decodeTouchState, encodeTouchState } from './touch-state-codec.ts';
import type { Touch, UserTouchState } from './touches.ts';

const EVENT = '5b4016fe-1f73-8207-a27e-4a0ac7ded783';
const TP = '00-711c9900d21ead3783995da6bdfeae6c-89172b288808380a-01';
const view = (n: number, over: Partial<Touch> = {}): Touch => ({
  type: 'VIEW',
  impressionId: `${EVENT}.${n}`,
  eventId: `${EVENT}.${n}`,
  timeMs: 1_795_829_292_817 + n,
  campaignId: 'cmp-0215',
  adId: 'ad-0215-7',
  originalEventId: EVENT,
  traceparent: TP,
  ...over,
});
const click = (n: number, over: Partial<Touch> = {}): Touch => ({
  ...clickTouchOf({
    impressionId: `${EVENT}.${n}`,
    timeMs: 1_795_829_300_000 + n,
    campaignId: 'cmp-0215',
    adId: 'ad-0215-7',
    originalEventId: EVENT,
    traceparent: TP,
  } as Parameters<typeof clickTouchOf>[0]),
  ...over,
});

describe('the touch state codec', () => {
  it.each<[string, UserTouchState]>([
    ['an empty state', { clicks: [], views: [] }],
    ['the pipeline touches', { clicks: [click(1)], views: [view(1), view(2)] }],
    ['a touch without a traceparent', { clicks: [], views: [view(1, { traceparent: null })] }],
    [
      'an imp id with dots',
      { clicks: [click(1, {})], views: [view(1, { impressionId: `${EVENT}.1.2`, eventId: `${EVENT}.1.2` })] },
    ],
    [
      "an original event id not the impression id's prefix",
      { clicks: [], views: [view(1, { originalEventId: 'other' })] },
    ],
    [
      'an event id not derived from the impression id',
      { clicks: [click(1, { eventId: 'c-9' })], views: [view(2, { eventId: 'v-9' })] },
    ],
    [
      'an impression id without a dot',
      { clicks: [], views: [view(1, { impressionId: 'imp', eventId: 'imp', originalEventId: 'imp' })] },
    ],
    ["a touch in the other type's list", { clicks: [view(1)], views: [click(2)] }],
  ])('round-trips %s exactly', (_name, state) => {
    expect(decodeTouchState(encodeTouchState(state))).toEqual(state);
  });

  it('writes a pipeline touch in under half the bytes of its JSON', () => {
    const state = { clicks: [click(1)], views: [view(1), view(2), view(3), view(4)] };
    const json = Buffer.byteLength(JSON.stringify(state));
    expect(encodeTouchState(state).length).toBeLessThan(json / 2);
  });

  it('reads the state written before it (whole touches as JSON), as it was', () => {
    const state = { clicks: [click(1)], views: [view(1, { originalEventId: 'other' }), view(2)] };
    expect(decodeTouchState(Buffer.from(JSON.stringify(state)))).toEqual(state);
  });

  it('refuses a version it does not know (a restore must not read it as something else)', () => {
    expect(() => decodeTouchState(Buffer.from('{"v":3,"c":[],"w":[]}'))).toThrow(/version 3/);
  });
});
