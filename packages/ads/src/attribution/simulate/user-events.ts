import type { SimImpression } from './impressions.ts';
import { latenessMarginOf, type SimCampaign, type SimModel, trueCtr, type ValueDistribution } from './model.ts';
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
    const min = windowMs + graceMs + latenessMarginOf(model);
    return { delay: rng.int(min, min + 5 * 60_000), lateness: 'beyond-grace' };
  }
  if (r < model.faults.lateBeyondGrace + model.faults.lateWithinGrace) {
    // Short of the grace, so that a consumer's own small reordering cannot push it past.
    const max = Math.max(1, graceMs - withinGraceSlackOf(model));
    return { delay: rng.int(Math.min(windowMs, max), max), lateness: 'within-grace' };
  }
  return { delay: rng.int(0, model.delays.deliveryMaxMs), lateness: 'on-time' };
}

/** How far short of the grace a within-grace event is delivered: 10 s, or the lateness margin if smaller. */
export function withinGraceSlackOf(model: SimModel): number {
  return Math.min(10_000, latenessMarginOf(model));
}

/**
 * A genuine token's claims under a signature nobody made, as long as the real one (22 base64url
 * characters in a t2 token, 43 in a t1): the tracker sees a forgery, not garbage. A draw that
 * happens to equal the real signature (likely only for the short stand-ins of simulated
 * impressions) has its first character moved on, so a forgery never verifies. One draw of the
 * simulator's stream seeds it, so the rest of the stream is what it was when forged tokens were
 * plain strings.
 */
function forge(rng: Rng, token: string): string {
  const own = createRng(rng.int(0, 2 ** 31));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const dot = token.lastIndexOf('.');
  const genuine = dot < 0 ? '' : token.slice(dot + 1);
  let signature = '';
  for (let i = 0; i < Math.max(1, dot < 0 ? 43 : genuine.length); i++) signature += alphabet[own.int(0, 63)];
  if (signature === genuine) {
    const next = alphabet[(alphabet.indexOf(signature[0] ?? 'A') + 1) % alphabet.length];
    signature = `${next}${signature.slice(1)}`;
  }
  return `${dot < 0 ? 'forged' : token.slice(0, dot)}.${signature}`;
}

/**
 * The simulator one impression at a time, for a source that learns of impressions as they are
 * served (`adtrace load` consuming adtrace.impressions): `add` draws an impression's clicks at
 * once and holds its conversions; `settle(t)` gives the conversions up to event time t their
 * delivery time and value, once every touch before t has been added (a pixel fires after the
 * page its click led to, so its delivery follows every earlier touch of the user).
 */
export interface UserEventSimulator {
  /** Clicks (genuine, duplicated, late, expired, forged) of one impression; impressions in event-time order. */
  add(sim: SimImpression): SimUserEvent[];
  /** The conversions that happen at or before `throughMs` (with their duplicates), in the order they were drawn. */
  settle(throughMs: number): SimUserEvent[];
  /** Conversions drawn and not yet settled. */
  pending(): number;
  /**
   * Forgets the touches delivered before `beforeMs`: a conversion at or after that time is
   * delivered after them anyway, so once every conversion still to settle is (settle has passed
   * it), they can no longer matter. For a run without end (`adtrace start`).
   */
  forget(beforeMs: number): void;
  /** What it holds: users with touches, their touches; conversions dropped past the horizon. */
  held(): { readonly users: number; readonly touches: number; readonly dropped: number };
}

export interface UserEventSimulatorOptions {
  /**
   * A conversion that happens more than this after its impression (one after a day-long view
   * window, say) is drawn but never held nor settled: a run without end would hold it for days.
   * The draws of every other event are unchanged until a run reaches that far. Default: none.
   */
  readonly horizonMs?: number;
}

export function createUserEventSimulator(model: SimModel, options: UserEventSimulatorOptions = {}): UserEventSimulator {
  const rng = createRng(model.seed);
  const horizonMs = options.horizonMs ?? Number.POSITIVE_INFINITY;
  let dropped = 0;
  const campaigns = new Map<string, SimCampaign>(model.campaigns.map((c) => [c.campaignId, c]));
  const { clickWindowMs, viewWindowMs, tokenTtlMs, windowMs, graceMs } = model.windows;
  const margin = latenessMarginOf(model);
  const slack = withinGraceSlackOf(model);
  let pending: Array<{ conversionId: string; userKey: string; timeMs: number; campaign: SimCampaign }> = [];
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
  let n = 0;

  function add(sim: SimImpression): SimUserEvent[] {
    const imp = sim.impression;
    const hold = (p: (typeof pending)[number]) => {
      if (p.timeMs - imp.eventTimeMs > horizonMs) dropped++;
      else pending.push(p);
    };
    const campaign = campaigns.get(imp.campaignId);
    if (!campaign)
      throw new RangeError(`impression ${imp.eventId} has campaign ${imp.campaignId}, which the model lacks`);
    const clicks: Click[] = [];
    const convertible = sim.identified !== false;
    addTouch(imp.userKey, imp.eventTimeMs, sim.deliverAtMs);
    if (rng.chance(model.faults.forged)) {
      const t = imp.eventTimeMs + rng.int(1_000, model.delays.clickMaxMs);
      clicks.push({
        kind: 'click',
        token: forge(rng, imp.trackingToken),
        eventTimeMs: t,
        deliverAtMs: t + rng.int(0, model.delays.deliveryMaxMs),
        label: 'forged',
        lateness: 'on-time',
        impressionId: null,
      });
    }
    const drift = model.drift && imp.eventTimeMs >= model.drift.fromMs ? model.drift.ctrFactor : 1;
    const ctr = sim.trueCtr ?? trueCtr(campaign, sim.context);
    if (rng.chance(Math.min(1, ctr * drift))) {
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
        if (convertible && rng.chance(campaign.clickConversionRate)) {
          hold({
            conversionId: `conv-${model.seed}-${n}`,
            userKey: imp.userKey,
            timeMs: conversionAfter(t, clickWindowMs),
            campaign,
          });
        }
      }
    } else if (convertible && rng.chance(campaign.viewConversionRate)) {
      hold({
        conversionId: `conv-${model.seed}-${n}`,
        userKey: imp.userKey,
        timeMs: conversionAfter(imp.eventTimeMs, viewWindowMs),
        campaign,
      });
    }
    if (rng.chance(model.faults.organic)) {
      hold({
        conversionId: `organic-${model.seed}-${n}`,
        userKey: `organic-${model.seed}-${n}`,
        timeMs: imp.eventTimeMs + rng.int(0, 60_000),
        campaign,
      });
    }
    n++;
    return clicks;
  }

  function settle(throughMs: number): SimUserEvent[] {
    const conversions: Conv[] = [];
    const later: typeof pending = [];
    for (const p of pending) {
      if (p.timeMs > throughMs) {
        later.push(p);
        continue;
      }
      const drawn = drawDelay(rng, model);
      const after = Math.max(
        0,
        ...(touchesByUser.get(p.userKey) ?? []).filter((t) => t.timeMs <= p.timeMs).map((t) => t.deliverAtMs + 1),
      );
      let deliverAtMs = Math.max(p.timeMs + drawn.delay, after);
      let delay = deliverAtMs - p.timeMs;
      if (delay >= graceMs - slack && delay < windowMs + graceMs + margin) {
        delay = windowMs + graceMs + margin;
        deliverAtMs = p.timeMs + delay;
      }
      const lateness: SimLateness =
        delay >= graceMs - slack ? 'beyond-grace' : delay > model.delays.deliveryMaxMs ? 'within-grace' : 'on-time';
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
    pending = later;
    return conversions;
  }

  function forget(beforeMs: number): void {
    for (const [user, touches] of touchesByUser) {
      const kept = touches.filter((t) => t.deliverAtMs >= beforeMs);
      if (kept.length === 0) touchesByUser.delete(user);
      else if (kept.length < touches.length) touchesByUser.set(user, kept);
    }
  }

  function held() {
    let touches = 0;
    for (const list of touchesByUser.values()) touches += list.length;
    return { users: touchesByUser.size, touches, dropped };
  }

  return { add, settle, pending: () => pending.length, forget, held };
}

/** Delivery order: by delivery time, a click before a conversion delivered at the same moment. */
export function byDelivery(a: SimUserEvent, b: SimUserEvent): number {
  return a.deliverAtMs - b.deliverAtMs || (a.kind === b.kind ? 0 : a.kind === 'click' ? -1 : 1);
}

/**
 * Clicks and conversions for the given impressions, drawn from the model's ground truth, with
 * late, duplicated, forged, expired, out-of-window and organic events. Seeded: the same
 * impressions and model give the same events. Returns them in delivery order with the truth
 * of what was sent. Events that would be delivered after the last impression minus the
 * lateness margin are not sent (the load stopped); the truth counts only what was sent.
 */
export function simulateUserEvents(
  impressions: readonly SimImpression[],
  model: SimModel,
): { events: SimUserEvent[]; truth: SimTruth } {
  const sorted = [...impressions].sort((a, b) => a.impression.eventTimeMs - b.impression.eventTimeMs);
  const simulator = createUserEventSimulator(model);
  const clicks = sorted.flatMap((sim) => simulator.add(sim));
  const conversions = simulator.settle(Number.POSITIVE_INFINITY);
  const lastImpressionMs = sorted.at(-1)?.impression.eventTimeMs ?? 0;
  const cutoffMs = lastImpressionMs - latenessMarginOf(model);
  const events = [...clicks, ...conversions].filter((e) => e.deliverAtMs <= cutoffMs).sort(byDelivery);
  return { events, truth: computeTruth(sorted, events, model) };
}
