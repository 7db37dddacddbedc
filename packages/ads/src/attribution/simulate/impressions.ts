import type { Impression } from '@adtrace/schemas';
import { type SimModel, trueCtr } from './model.ts';
import { createRng } from './prng.ts';

/** An impression as the simulator sees it: the record, the context its CTR depends on, its model version, when it reached tracking. */
export interface SimImpression {
  readonly impression: Impression;
  readonly context: string;
  readonly modelVersion: string;
  readonly deliverAtMs: number;
}

export interface ImpressionPlan {
  readonly startMs: number;
  readonly durationMs: number;
  /** Mean gap between impressions (uniform in [1, 2 × mean]). */
  readonly meanIntervalMs: number;
  readonly users: number;
  readonly contexts: readonly string[];
}

/**
 * Impressions for tests and benchmarks. In a real run impressions come from the pipeline
 * (delivery decides who wins); the load generator wraps them as SimImpression instead.
 */
export function simulateImpressions(model: SimModel, plan: ImpressionPlan): SimImpression[] {
  const rng = createRng(model.seed ^ 0x1a2b3c);
  const out: SimImpression[] = [];
  let t = plan.startMs;
  for (let n = 0; ; n++) {
    t += rng.int(1, 2 * plan.meanIntervalMs);
    if (t >= plan.startMs + plan.durationMs) break;
    const campaign = rng.pick(model.campaigns);
    const context = rng.pick(plan.contexts);
    const version = rng.pick(model.modelVersions);
    const id = `imp-${model.seed}-${n}`;
    out.push({
      impression: {
        eventId: id,
        impressionId: `${id}.1`,
        requestId: `req-${id}`,
        impId: '1',
        userKey: `user-${rng.int(0, plan.users - 1)}`,
        campaignId: campaign.campaignId,
        adId: `${campaign.campaignId}-ad`,
        creativeId: `${campaign.campaignId}-cr`,
        trackingToken: `tok.${id}`,
        bidType: campaign.bidType,
        priceMicros: campaign.bidType === 'CPM' ? campaign.priceMicros : 0,
        clickPriceMicros: campaign.bidType === 'CPC' ? campaign.clickPriceMicros : 0,
        pctr: Math.min(1, trueCtr(campaign, context) * version.bias),
        eventTimeMs: t,
      },
      context,
      modelVersion: version.version,
      deliverAtMs: t + rng.int(0, model.delays.deliveryMaxMs),
    });
  }
  return out;
}
