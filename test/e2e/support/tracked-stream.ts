// A seeded stream for the tracking service, with its ground truth: impressions (signed tracking
// tokens, user keys from ingest's HMAC) and the trackers' raw clicks and conversions, drawn by the
// simulator of packages/ads (late within and beyond grace, duplicated, forged, expired,
// out-of-window, organic). Cut into phases of delivery time, because tracking's stage two takes its
// two co-partitioned inputs in fetch order, not timestamp order (services/tracking/README.md,
// Known gaps): a test sends a phase's impressions, waits until tracking has consumed them, then
// sends that phase's clicks and conversions, so no click or conversion overtakes a touch it needs.
import { randomBytes } from 'node:crypto';
import {
  byDelivery,
  createTokenSigner,
  createUserKeyer,
  exampleModel,
  type RawUserEvent,
  type SimImpression,
  type SimModel,
  type SimTruth,
  type SimUserEvent,
  simulateAttributedImpressions,
  simulateUserEvents,
  type TokenKeyring,
  toRawUserEvent,
} from '@adtrace/ads';
import type { Impression } from '@adtrace/schemas';

/**
 * The windows both the simulator and the services run with (pass `serviceEnv` to them): short, so
 * a few minutes of event time hold every case — within-grace restatements, beyond-grace late
 * events, expired tokens, out-of-window conversions.
 */
const WINDOWS: SimModel['windows'] = {
  windowMs: 10_000,
  graceMs: 60_000,
  clickWindowMs: 60_000,
  viewWindowMs: 30_000,
  tokenTtlMs: 90_000,
  // Beyond grace means at least 30 s past it; within grace at most grace − 10 s (the simulator's
  // slack, min(10 s, this margin)). Sending in phases delays an event's handling by at most a
  // phase (PHASE_MS, 5 s) of event time: less than either, so no event changes class.
  latenessMarginMs: 30_000,
};
/** Delivery time of one phase: below the simulator's 10 s within-grace slack (see above). */
export const PHASE_MS = 5_000;

export const serviceEnv = {
  AGGREGATION_WINDOW_MS: String(WINDOWS.windowMs),
  AGGREGATION_GRACE_MS: String(WINDOWS.graceMs),
  TRACKING_CLICK_WINDOW_MS: String(WINDOWS.clickWindowMs),
  TRACKING_VIEW_WINDOW_MS: String(WINDOWS.viewWindowMs),
};

export interface RawRecord {
  readonly value: string;
  /** The tracker's receive time: tracking judges a token's expiry by it. */
  readonly timestampMs: number;
  /** One partition per user, so a user's click stays ahead of their conversion through stage one. */
  readonly partition: number;
}

export interface Phase {
  readonly impressions: readonly Impression[];
  readonly userEvents: readonly RawRecord[];
}

export interface TrackedStream {
  readonly model: SimModel;
  readonly phases: readonly Phase[];
  readonly truth: SimTruth;
  readonly sent: readonly SimUserEvent[];
  /**
   * One impression per partition of attributed-events (its campaign chosen to land there), far
   * past every window's grace: aggregation's stream time then closes every window as final.
   */
  sentinels(campaigns: readonly string[]): Impression[];
}

export interface StreamOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly durationMs: number;
  readonly keyring: TokenKeyring;
  readonly userKeySecret: string;
  readonly rawPartitions: number;
}

export function trackedStream(o: StreamOptions): TrackedStream {
  const model = exampleModel(o.seed, {
    windows: WINDOWS,
    delays: { clickMaxMs: 20_000, conversionMaxMs: 40_000, deliveryMaxMs: 2_000 },
  });
  const signer = createTokenSigner(o.keyring);
  const keyOf = createUserKeyer(o.userKeySecret);
  const rawIdOf = new Map<string, string>();
  // The simulator's users become real ones: a raw id the pixel sends, its key as ingest makes it,
  // and a token delivery would sign (claims as delivery writes them; the expiry from the model).
  const impressions: SimImpression[] = simulateAttributedImpressions(model, {
    startMs: o.startMs,
    durationMs: o.durationMs,
    meanIntervalMs: 150,
    users: 150,
    contexts: ['web', 'app'],
  }).map((sim) => {
    const i = sim.impression;
    const rawId = `raw-${i.userKey}`;
    const userKey = keyOf({ userId: rawId }, i.eventId).key;
    rawIdOf.set(userKey, rawId);
    const trackingToken = signer.sign({
      impressionId: i.impressionId,
      eventId: i.eventId,
      campaignId: i.campaignId,
      adId: i.adId,
      userKey,
      clearingPriceCpmMicros: i.priceMicros * 1000,
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      expiresAtMs: i.eventTimeMs + model.windows.tokenTtlMs,
    });
    return { ...sim, impression: { ...i, userKey, trackingToken } };
  });
  const { events, truth } = simulateUserEvents(impressions, model);

  const phaseOf = (deliverAtMs: number) => Math.max(0, Math.floor((deliverAtMs - o.startMs) / PHASE_MS));
  const byToken = new Map(impressions.map((s) => [s.impression.trackingToken, s]));
  const phases: { impressions: Impression[]; userEvents: RawRecord[] }[] = [];
  const phase = (n: number) => {
    while (phases.length <= n) phases.push({ impressions: [], userEvents: [] });
    return phases[n]!;
  };
  for (const s of [...impressions].sort((a, b) => a.deliverAtMs - b.deliverAtMs))
    phase(phaseOf(s.deliverAtMs)).impressions.push(s.impression);
  const partitionOf = (userKey: string) => {
    let h = 0;
    for (const c of userKey) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h % o.rawPartitions;
  };
  for (const e of [...events].sort(byDelivery)) {
    const raw: RawUserEvent = toRawUserEvent(e, (key) => rawIdOf.get(key) ?? key);
    // A click can be delivered before its impression reached tracking (both within ~2 s of it):
    // it goes in its impression's phase, behind it. A conversion follows its touches already.
    const impression = e.kind === 'click' ? byToken.get(e.token) : undefined;
    const n = Math.max(phaseOf(e.deliverAtMs), impression ? phaseOf(impression.deliverAtMs) : 0);
    phase(n).userEvents.push({
      value: JSON.stringify(raw),
      timestampMs: e.eventTimeMs,
      partition: partitionOf(e.kind === 'click' ? (impression?.impression.userKey ?? e.token) : e.userKey),
    });
  }

  const lastEventMs = Math.max(
    ...impressions.map((s) => s.impression.eventTimeMs),
    ...events.map((e) => e.eventTimeMs),
  );
  const template = impressions[0]!.impression;
  return {
    model,
    phases,
    truth,
    sent: events,
    sentinels: (campaigns) =>
      campaigns.map((campaignId, p) => {
        const id = `sentinel-${p}`;
        return {
          ...template,
          eventId: id,
          impressionId: `${id}.1`,
          campaignId,
          priceMicros: 0,
          clickPriceMicros: 0,
          eventTimeMs: lastEventMs + WINDOWS.windowMs + WINDOWS.graceMs + 10_000 + p,
        };
      }),
  };
}
