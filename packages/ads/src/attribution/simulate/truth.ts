import { toUsdMicros } from '../currency.ts';
import type { SimImpression } from './impressions.ts';
import type { SimModel } from './model.ts';
import type { SimUserEvent } from './user-events.ts';

/** What the numbers of one campaign-window must be once every revision has landed. */
export interface TruthWindow {
  readonly campaignId: string;
  readonly windowStartMs: number;
  impressions: number;
  clicks: number;
  conversions: number;
  clickThroughConversions: number;
  viewThroughConversions: number;
  spendMicros: number;
  revenueMicros: number;
  clickThroughRevenueMicros: number;
  viewThroughRevenueMicros: number;
  lateDropped: number;
}

export interface TruthConversion {
  readonly conversionId: string;
  readonly campaignId: string | null;
  readonly touch: 'CLICK' | 'VIEW' | 'NONE';
  readonly touchEventId: string | null;
  readonly valueUsdMicros: number;
}

/** The truth of what the simulator sent, JSON-able (`adtrace load --truth FILE`). */
export interface SimTruth {
  readonly windows: TruthWindow[];
  readonly conversions: TruthConversion[];
  readonly counts: Readonly<
    Record<'forged' | 'expired' | 'duplicates' | 'lateWithinGrace' | 'lateBeyondGrace' | 'unattributed', number>
  >;
  /** Per model version: calibration = mean pCTR ÷ observed CTR = pctrSum ÷ clicks (null without clicks). */
  readonly calibration: Readonly<
    Record<string, { impressions: number; clicks: number; pctrSum: number; calibration: number | null }>
  >;
}

interface Touch {
  readonly timeMs: number;
  readonly eventId: string;
  readonly campaignId: string;
  readonly type: 'CLICK' | 'VIEW';
}

/** Last touch by brute force over everything the user did, independent of the streaming code: the reference the pipeline must match. */
function lastTouch(touches: readonly Touch[], t: number, type: Touch['type'], windowMs: number): Touch | null {
  let best: Touch | null = null;
  for (const x of touches) {
    if (x.type !== type || x.timeMs > t || t - x.timeMs > windowMs) continue;
    if (!best || x.timeMs > best.timeMs || (x.timeMs === best.timeMs && x.eventId > best.eventId)) best = x;
  }
  return best;
}

export function computeTruth(
  impressions: readonly SimImpression[],
  sent: readonly SimUserEvent[],
  model: SimModel,
): SimTruth {
  const { windowMs, clickWindowMs, viewWindowMs } = model.windows;
  const windows = new Map<string, TruthWindow>();
  const w = (campaignId: string, t: number): TruthWindow => {
    const windowStartMs = Math.floor(t / windowMs) * windowMs;
    const key = `${windowStartMs}|${campaignId}`;
    let row = windows.get(key);
    if (!row) {
      row = {
        campaignId,
        windowStartMs,
        impressions: 0,
        clicks: 0,
        conversions: 0,
        clickThroughConversions: 0,
        viewThroughConversions: 0,
        spendMicros: 0,
        revenueMicros: 0,
        clickThroughRevenueMicros: 0,
        viewThroughRevenueMicros: 0,
        lateDropped: 0,
      };
      windows.set(key, row);
    }
    return row;
  };
  // Keyed by the impression's own id: one request (event id) can win several imps.
  const byId = new Map(impressions.map((s) => [s.impression.impressionId, s]));
  const touches = new Map<string, Touch[]>();
  const touch = (user: string, x: Touch) => {
    const list = touches.get(user);
    if (list) list.push(x);
    else touches.set(user, [x]);
  };
  const calibration: Record<
    string,
    { impressions: number; clicks: number; pctrSum: number; calibration: number | null }
  > = {};
  const cal = (version: string) =>
    (calibration[version] ??= { impressions: 0, clicks: 0, pctrSum: 0, calibration: null });

  for (const { impression: imp } of impressions) {
    const row = w(imp.campaignId, imp.eventTimeMs);
    row.impressions++;
    row.spendMicros += imp.bidType === 'CPM' ? imp.priceMicros : 0;
    touch(imp.userKey, {
      timeMs: imp.eventTimeMs,
      eventId: imp.impressionId,
      campaignId: imp.campaignId,
      type: 'VIEW',
    });
    // No model, no calibration: such impressions have no version to judge.
    if (imp.modelVersion !== null) {
      const c = cal(imp.modelVersion);
      c.impressions++;
      c.pctrSum += imp.pctr;
    }
  }
  const counts = { forged: 0, expired: 0, duplicates: 0, lateWithinGrace: 0, lateBeyondGrace: 0, unattributed: 0 };
  const genuine = sent.filter((e) => {
    if (e.label === 'forged' || e.label === 'expired' || e.label === 'duplicate')
      counts[e.label === 'duplicate' ? 'duplicates' : e.label]++;
    else if (e.lateness === 'within-grace') counts.lateWithinGrace++;
    else if (e.lateness === 'beyond-grace') counts.lateBeyondGrace++;
    return e.label === 'genuine';
  });
  for (const e of genuine) {
    if (e.kind !== 'click') continue;
    const imp = byId.get(e.impressionId!)!.impression;
    if (imp.modelVersion !== null) cal(imp.modelVersion).clicks++;
    touch(imp.userKey, {
      timeMs: e.eventTimeMs,
      eventId: `${imp.impressionId}:click`,
      campaignId: imp.campaignId,
      type: 'CLICK',
    });
    const row = w(imp.campaignId, e.eventTimeMs);
    if (e.lateness === 'beyond-grace') row.lateDropped++;
    else {
      row.clicks++;
      row.spendMicros += imp.bidType === 'CPC' ? imp.clickPriceMicros : 0;
    }
  }
  const conversions: TruthConversion[] = [];
  for (const e of genuine) {
    if (e.kind !== 'conversion') continue;
    const { valueUsdMicros } = toUsdMicros(e.valueMicros, e.currency, model.rates);
    const mine = touches.get(e.userKey) ?? [];
    const t =
      lastTouch(mine, e.eventTimeMs, 'CLICK', clickWindowMs) ?? lastTouch(mine, e.eventTimeMs, 'VIEW', viewWindowMs);
    conversions.push({
      conversionId: e.conversionId,
      campaignId: t?.campaignId ?? null,
      touch: t?.type ?? 'NONE',
      touchEventId: t?.eventId ?? null,
      valueUsdMicros,
    });
    if (!t) {
      counts.unattributed++;
      continue;
    }
    const row = w(t.campaignId, e.eventTimeMs);
    if (e.lateness === 'beyond-grace') {
      row.lateDropped++;
      continue;
    }
    row.conversions++;
    row.revenueMicros += valueUsdMicros;
    if (t.type === 'CLICK') {
      row.clickThroughConversions++;
      row.clickThroughRevenueMicros += valueUsdMicros;
    } else {
      row.viewThroughConversions++;
      row.viewThroughRevenueMicros += valueUsdMicros;
    }
  }
  for (const c of Object.values(calibration)) c.calibration = c.clicks > 0 ? c.pctrSum / c.clicks : null;
  const sortedWindows = [...windows.values()].sort(
    (a, b) => a.windowStartMs - b.windowStartMs || (a.campaignId < b.campaignId ? -1 : 1),
  );
  return { windows: sortedWindows, conversions, counts, calibration };
}
