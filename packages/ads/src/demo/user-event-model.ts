// The demo's ground truth as the click and conversion simulator (attribution/simulate) reads
// it: per campaign, the conversion rates and order values of `conversionTruth`; per impression,
// the true CTR of `servedCtr` (so the simulator's per-context table stays empty); the pipeline's
// windows, which the truth depends on; and the share of each fault a tracker sees. One truth,
// one set of drawing rules: `adtrace load` and the calibration checks both come through here.
import type { Campaign } from '@adtrace/schemas';
import type { AdIndex, IndexedAd } from '../ad-index.ts';
import type { SimImpression } from '../attribution/simulate/impressions.ts';
import type { SimModel } from '../attribution/simulate/model.ts';
import { createRng } from '../attribution/simulate/prng.ts';
import { impressionIdOf } from '../identity/event-id.ts';
import { adHashes, contextHashes } from '../pctr/features.ts';
import { type PctrModel, predictCtr } from '../pctr/model.ts';
import { conversionTruth, type SimulatedImpression } from './ground-truth.ts';

/** Shares of the faults in the demo's user events (per click, conversion or impression, see SimModel.faults). */
export const DEMO_USER_EVENT_FAULTS: SimModel['faults'] = {
  lateWithinGrace: 0.05,
  lateBeyondGrace: 0.02,
  duplicate: 0.05,
  forged: 0.005,
  expired: 0.02,
  outOfWindow: 0.05,
  organic: 0.002,
};

export type PipelineWindows = SimModel['windows'];

export interface DemoUserEventOptions {
  readonly seed: number;
  /** The windows of the pipeline the events go to (aggregation's window and grace, tracking's attribution windows, delivery's token TTL). */
  readonly windows: PipelineWindows;
  readonly drift?: SimModel['drift'];
  readonly faults?: SimModel['faults'];
}

/** The simulator's model of the demo market: every campaign of the catalog, CTR left to each impression. */
export function demoUserEventModel(campaigns: readonly Campaign[], options: DemoUserEventOptions): SimModel {
  const { windows } = options;
  return {
    seed: options.seed,
    campaigns: campaigns.map((c) => {
      const truth = conversionTruth(c);
      const bid = c.ads[0];
      return {
        campaignId: c.id,
        bidType: bid?.bidType ?? 'CPM',
        // Prices come with each impression (what the auction charged); these are never read.
        priceMicros: 0,
        clickPriceMicros: 0,
        // The demo's CTR depends on ad, user and placement: each SimImpression carries its trueCtr.
        ctr: 0,
        clickConversionRate: truth.clickConversionRate,
        viewConversionRate: truth.viewConversionRate,
        value: { kind: 'lognormal', medianMicros: truth.valueMedianMicros, sigma: truth.valueSigma },
        currency: truth.currency,
      };
    }),
    modelVersions: [],
    drift: options.drift ?? null,
    rates: { USD: 1 },
    windows,
    // Scaled to the windows, so a pipeline on second-long windows sees every case within a run.
    delays: {
      clickMaxMs: Math.min(
        120_000,
        Math.floor(windows.clickWindowMs / 2),
        Math.max(2_000, Math.floor(windows.graceMs / 2)),
      ),
      conversionMaxMs: 300_000,
      deliveryMaxMs: Math.min(2_000, Math.floor(windows.graceMs / 4)),
    },
    faults: options.faults ?? DEMO_USER_EVENT_FAULTS,
  };
}

/** Ads by `campaignId|adId`, to find the ad an impression names. */
export function adsById(index: AdIndex): Map<string, IndexedAd> {
  return new Map(index.ads.map((e) => [`${e.campaign.id}|${e.ad.id}`, e]));
}

export interface ServedPlan {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly modelVersion: string;
}

/**
 * The ground truth's simulated impressions as served ones, priced by a pCTR model (the shipped
 * one in the calibration checks): each an Impression record with the model's pCTR and version
 * and the truth's CTR, one every `intervalMs` of event time, CPM at the ad's bid. For checks of
 * calibration without the auction; the load wraps the real impressions instead.
 */
export function* servedDemoImpressions(
  simulated: Iterable<SimulatedImpression>,
  model: PctrModel,
  plan: ServedPlan,
): Generator<SimImpression> {
  const rng = createRng(0x5e7ed);
  let n = 0;
  for (const s of simulated) {
    const eventTimeMs = plan.startMs + n * plan.intervalMs;
    const eventId = `served-${n}`;
    const pctr = predictCtr(model, contextHashes(s.ctx), adHashes(s.entry.ad, s.entry.campaign), s.similarity);
    yield {
      impression: {
        eventId,
        impressionId: impressionIdOf(eventId, '1'),
        requestId: `req-${n}`,
        impId: '1',
        userKey: `user-${rng.int(0, 999)}`,
        campaignId: s.entry.campaign.id,
        adId: s.entry.ad.id,
        creativeId: s.entry.ad.creative.id,
        trackingToken: `tok.${eventId}`,
        bidType: 'CPM',
        priceMicros: Math.round(s.entry.ad.bidMicros / 1000),
        clickPriceMicros: 0,
        pctr,
        eventTimeMs,
        modelVersion: plan.modelVersion,
        test: false,
        // Simulated for calibration: never served by delivery, so no creative or URLs.
        markup: '',
        impressionUrl: '',
        clickUrl: '',
      },
      context: s.ctx.placement,
      deliverAtMs: eventTimeMs,
      trueCtr: s.trueCtr,
    };
    n++;
  }
}
