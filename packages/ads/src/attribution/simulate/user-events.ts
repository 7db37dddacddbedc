import type { SimImpression } from './impressions.ts';
import { LATENESS_MARGIN_MS, type SimCampaign, type SimModel, trueCtr, type ValueDistribution } from './model.ts';
import { createRng, type Rng } from './prng.ts';
import { computeTruth, type SimTruth } from './truth.ts';

export type SimLabel = 'genuine' | 'duplicate' | 'forged' | 'expired';
export type SimLateness = 'on-time' | 'within-grace' | 'beyond-grace';

/**
 * A click or conversion as the tracker reports it (token / user, time, value), plus labels that
 * say what the simulator meant by it. The labels are for the truth and for reading a failure;
 * the pipeline under test must not look at them.
 */
export type SimUserEvent =
  | {
      readonly kind: 'click';
      readonly token: string;
      readonly eventTimeMs: number;
      readonly deliverAtMs: number;
      readonly label: SimLabel;
      readonly lateness: SimLateness;
      /** Truth only: the impression a genuine click belongs to. */
      readonly impressionId: string | null;
    }
  | {
      readonly kind: 'conversion';
      readonly conversionId: string;
      readonly userKey: string;
      readonly valueMicros: number;
      readonly currency: string;
      readonly eventTimeMs: number;
      readonly deliverAtMs: number;
      readonly label: SimLabel;
      readonly lateness: SimLateness;
    };

type Click = Extract<SimUserEvent, { kind: 'click' }>;
type Conv = Extract<SimUserEvent, { kind: 'conversion' }>;

function drawValue(rng: Rng, d: ValueDistribution): number {
  if (d.kind === 'uniform') return rng.int(d.minMicros, d.maxMicros);
  return Math.max(1, Math.round(d.medianMicros * Math.exp(d.sigma * rng.normal())));
}

/** Delivery delay of a lateness class; `beyond` keeps a margin past window + grace so the class never depends on watermark jitter. */
function drawDelay(rng: Rng, model: SimModel): { delay: number; lateness: SimLateness } {
  const { windowMs, graceMs } = model.windows;
  const r = rng.next();
  if (r < model.faults.lateBeyondGrace) {
    const min = windowMs + graceMs + LATENESS_MARGIN_MS;
    return { delay: rng.int(min, min + 5 * 60_000), lateness: 'beyond-grace' };
  }
  if (r < model.faults.lateBeyondGrace + model.faults.lateWithinGrace) {
    // 10 s short of the grace, so that a consumer's own small reordering cannot push it past.
    const max = Math.max(1, graceMs - 10_000);
    return { delay: rng.int(Math.min(windowMs, max), max), lateness: 'within-grace' };
  }
  return { delay: rng.int(0, model.delays.deliveryMaxMs), lateness: 'on-time' };
}

/**
 * Clicks and conversions for the given impressions, drawn from the model's ground truth, with
 * late, duplicated, forged, expired, out-of-window and organic events. Seeded: the same
 * impressions and model give the same events. Returns them in delivery order with the truth
 * of what was sent. A conversion is delivered after every touch of its user that precedes it
 * (a pixel fires after the page the click led to), so its last touch is known when it arrives.
 * Events that would be delivered after the last impression minus a margin are not sent (the
 * load stopped); the truth counts only what was sent.
 */
export function simulateUserEvents(
  impressions: readonly SimImpression[],
  model: SimModel,
): { events: SimUserEvent[]; truth: SimTruth } {
  const rng = createRng(model.seed);
  const campaigns = new Map<string, SimCampaign>(model.campaigns.map((c) => [c.campaignId, c]));
  const { clickWindowMs, viewWindowMs, tokenTtlMs } = model.windows;
  const sorted = [...impressions].sort((a, b) => a.impression.eventTimeMs - b.impression.eventTimeMs);
  const clicks: Click[] = [];
  const pending: Array<{ conversionId: string; userKey: string; timeMs: number; campaign: SimCampaign }> = [];
  const touchesByUser = new Map<string, Array<{ timeMs: number; deliverAtMs: number }>>();
  const addTouch = (user: string, timeMs: number, deliverAtMs: number) => {
    const list = touchesByUser.get(user) ?? [];
    list.push({ timeMs, deliverAtMs });
    touchesByUser.set(user, list);
  };
  const conversionAfter = (t: number, windowMs: number) =>
    rng.chance(model.faults.outOfWindow)
      ? t + windowMs + rng.int(1_000, 120_000)
      : t + rng.int(1_000, Math.min(model.delays.conversionMaxMs, windowMs));

  sorted.forEach((sim, n) => {
    const imp = sim.impression;
    const campaign = campaigns.get(imp.campaignId);
    if (!campaign)
      throw new RangeError(`impression ${imp.eventId} has campaign ${imp.campaignId}, which the model lacks`);
    addTouch(imp.userKey, imp.eventTimeMs, sim.deliverAtMs);
    if (rng.chance(model.faults.forged)) {
      const t = imp.eventTimeMs + rng.int(1_000, model.delays.clickMaxMs);
      const token = `forged.${rng.int(0, 2 ** 31)}`;
      clicks.push({
        kind: 'click',
        token,
        eventTimeMs: t,
        deliverAtMs: t + rng.int(0, model.delays.deliveryMaxMs),
        label: 'forged',
        lateness: 'on-time',
        impressionId: null,
      });
    }
    const drift = model.drift && imp.eventTimeMs >= model.drift.fromMs ? model.drift.ctrFactor : 1;
    if (rng.chance(Math.min(1, trueCtr(campaign, sim.context) * drift))) {
      if (rng.chance(model.faults.expired)) {
        const t = imp.eventTimeMs + tokenTtlMs + rng.int(1_000, 60_000);
        clicks.push({
          kind: 'click',
          token: imp.trackingToken,
          eventTimeMs: t,
          deliverAtMs: t + rng.int(0, model.delays.deliveryMaxMs),
          label: 'expired',
          lateness: 'on-time',
          impressionId: null,
        });
      } else {
        const t = imp.eventTimeMs + rng.int(1_000, model.delays.clickMaxMs);
        const { delay, lateness } = drawDelay(rng, model);
        const click: Click = {
          kind: 'click',
          token: imp.trackingToken,
          eventTimeMs: t,
          deliverAtMs: t + delay,
          label: 'genuine',
          lateness,
          impressionId: imp.impressionId,
        };
        clicks.push(click);
        addTouch(imp.userKey, t, t + delay);
        if (rng.chance(model.faults.duplicate))
          clicks.push({ ...click, deliverAtMs: click.deliverAtMs + rng.int(1, 60_000), label: 'duplicate' });
        if (rng.chance(campaign.clickConversionRate)) {
          pending.push({
            conversionId: `conv-${model.seed}-${n}`,
            userKey: imp.userKey,
            timeMs: conversionAfter(t, clickWindowMs),
            campaign,
          });
        }
      }
    } else if (rng.chance(campaign.viewConversionRate)) {
      pending.push({
        conversionId: `conv-${model.seed}-${n}`,
        userKey: imp.userKey,
        timeMs: conversionAfter(imp.eventTimeMs, viewWindowMs),
        campaign,
      });
    }
    if (rng.chance(model.faults.organic)) {
      pending.push({
        conversionId: `organic-${model.seed}-${n}`,
        userKey: `organic-${n}`,
        timeMs: imp.eventTimeMs + rng.int(0, 60_000),
        campaign,
      });
    }
  });

  const { windowMs, graceMs } = model.windows;
  const conversions: Conv[] = [];
  for (const p of pending) {
    const drawn = drawDelay(rng, model);
    const after = Math.max(
      0,
      ...(touchesByUser.get(p.userKey) ?? []).filter((t) => t.timeMs <= p.timeMs).map((t) => t.deliverAtMs + 1),
    );
    let deliverAtMs = Math.max(p.timeMs + drawn.delay, after);
    let delay = deliverAtMs - p.timeMs;
    if (delay >= graceMs - 10_000 && delay < windowMs + graceMs + LATENESS_MARGIN_MS) {
      delay = windowMs + graceMs + LATENESS_MARGIN_MS;
      deliverAtMs = p.timeMs + delay;
    }
    const lateness: SimLateness =
      delay >= graceMs - 10_000 ? 'beyond-grace' : delay > model.delays.deliveryMaxMs ? 'within-grace' : 'on-time';
    const conv: Conv = {
      kind: 'conversion',
      conversionId: p.conversionId,
      userKey: p.userKey,
      valueMicros: drawValue(rng, p.campaign.value),
      currency: p.campaign.currency,
      eventTimeMs: p.timeMs,
      deliverAtMs,
      label: 'genuine',
      lateness,
    };
    conversions.push(conv);
    if (rng.chance(model.faults.duplicate))
      conversions.push({ ...conv, deliverAtMs: deliverAtMs + rng.int(1, 60_000), label: 'duplicate' });
  }

  const lastImpressionMs = sorted.at(-1)?.impression.eventTimeMs ?? 0;
  const cutoffMs = lastImpressionMs - LATENESS_MARGIN_MS;
  const events = [...clicks, ...conversions]
    .filter((e) => e.deliverAtMs <= cutoffMs)
    .sort((a, b) => a.deliverAtMs - b.deliverAtMs || (a.kind === b.kind ? 0 : a.kind === 'click' ? -1 : 1));
  return { events, truth: computeTruth(sorted, events, model) };
}
