import type { Impression } from '@adtrace/schemas';
import { type SimModel, trueCtr } from './model.ts';
import { createRng } from './prng.ts';

/** An impression as the simulator sees it: the record (with its model version), the context its CTR depends on, when it reached tracking. */
export interface SimImpression {
  readonly impression: Impression;
  readonly context: string;
  readonly deliverAtMs: number;
  /**
   * The true CTR of this impression when the caller knows it better than the model's table by
   * context: the load generator takes it from the demo ground truth (ad, user, placement).
   */
  readonly trueCtr?: number;
  /**
   * False when no pixel can name the user (a device-only or anonymous request): then no
   * conversion is drawn for this impression. Default true.
   */
  readonly identified?: boolean;
}

export interface ImpressionPlan {
  readonly startMs: number;
  readonly durationMs: number;
  /** Mean gap between impressions (uniform in [1, 2 × mean]). */
  readonly meanIntervalMs: number;
  readonly users: number;
  readonly contexts: readonly string[];
}

/** Share of requests that win a second imp: two impressions with one event id, each its own impression (own id, token, spend). */
const SECOND_IMP_RATE = 0.1;

/**
 * Impressions for tests and benchmarks. In a real run impressions come from the pipeline
 * (delivery decides who wins); the load generator wraps them as SimImpression instead.
 * Some requests win two imps, so anything keyed by the event id instead of the impression id
 * (de-duplication of clicks, touches) loses the second and the truth tells.
 */
export function simulateImpressions(model: SimModel, plan: ImpressionPlan): SimImpression[] {
  const rng = createRng(model.seed ^ 0x1a2b3c);
  const out: SimImpression[] = [];
  let t = plan.startMs;
  for (let n = 0; ; n++) {
    t += rng.int(1, 2 * plan.meanIntervalMs);
    if (t >= plan.startMs + plan.durationMs) break;
    const eventId = `imp-${model.seed}-${n}`;
    const userKey = `user-${rng.int(0, plan.users - 1)}`;
    const context = rng.pick(plan.contexts);
    const version = rng.pick(model.modelVersions);
    const imps = rng.chance(SECOND_IMP_RATE) ? ['1', '2'] : ['1'];
    for (const impId of imps) {
      const campaign = rng.pick(model.campaigns);
      const impressionId = `${eventId}.${impId}`;
      out.push({
        impression: {
          eventId,
          impressionId,
          requestId: `req-${eventId}`,
          impId,
          userKey,
          campaignId: campaign.campaignId,
          adId: `${campaign.campaignId}-ad`,
          creativeId: `${campaign.campaignId}-cr`,
          // A stand-in shaped as a token: claims, then a signature segment, which a forger replaces.
          trackingToken: `tok.${impressionId}.sig`,
          bidType: campaign.bidType,
          priceMicros: campaign.bidType === 'CPM' ? campaign.priceMicros : 0,
          clickPriceMicros: campaign.bidType === 'CPC' ? campaign.clickPriceMicros : 0,
          pctr: Math.min(1, trueCtr(campaign, context) * version.bias),
          eventTimeMs: t,
          modelVersion: version.version,
          test: false,
          // Simulated for attribution: never served by delivery, so no creative or URLs.
          markup: '',
          impressionUrl: '',
          clickUrl: '',
        },
        context,
        deliverAtMs: t + rng.int(0, model.delays.deliveryMaxMs),
      });
    }
  }
  return out;
}
