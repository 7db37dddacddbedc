import type { SimUserEvent } from './user-events.ts';

/** The raw tracker JSON of issue 13, as `adtrace load` sends it to adtrace.user-events.raw. */
export type RawUserEvent =
  | { readonly type: 'click'; readonly token: string; readonly ts: string }
  | {
      readonly type: 'conversion';
      readonly userId: string;
      readonly conversionId: string;
      /** In major units of `currency` (the pixel reports 12.5, not micros). */
      readonly value: number;
      readonly currency: string;
      readonly ts: string;
    };

/**
 * What the tracker would send for a simulated event; the labels stay behind. The simulator
 * knows user keys; the load generator knows the raw user ids it put in its bid requests, so it
 * passes the mapping back (`userIdOf`).
 */
export function toRawUserEvent(e: SimUserEvent, userIdOf: (userKey: string) => string): RawUserEvent {
  const ts = new Date(e.eventTimeMs).toISOString();
  if (e.kind === 'click') return { type: 'click', token: e.token, ts };
  return {
    type: 'conversion',
    userId: userIdOf(e.userKey),
    conversionId: e.conversionId,
    value: e.valueMicros / 1_000_000,
    currency: e.currency,
    ts,
  };
}
