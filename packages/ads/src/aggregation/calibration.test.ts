import type { AttributedEvent } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { toAttributionConfig } from '../attribution/config.ts';
import { exampleModel } from '../attribution/simulate/example-model.ts';
import { simulateImpressions } from '../attribution/simulate/impressions.ts';
import { runTracking } from '../attribution/simulate/reference-pipeline.ts';
import { simulateUserEvents } from '../attribution/simulate/user-events.ts';
import {
  advanceCalibration,
  applyCalibrationEvent,
  type CalibrationConfig,
  type CalibrationResult,
  type CalibrationState,
  closeCalibrationWindows,
  DEFAULT_CALIBRATION_CONFIG,
  EMPTY_CALIBRATION_STATE,
} from './calibration.ts';

const W = DEFAULT_CALIBRATION_CONFIG.windowMs;
const START = Date.UTC(2026, 10, 26);

const ev = (
  kind: 'IMPRESSION' | 'CLICK',
  t: number,
  pctr = 0,
  modelVersion: string | null = 'm1',
): AttributedEvent => ({
  eventId: `${kind}-${t}`,
  kind,
  originalEventId: 'x',
  campaignId: 'c',
  adId: 'a',
  userKey: 'u',
  touch: 'NONE',
  costMicros: 0,
  valueMicros: 0,
  pctr,
  eventTimeMs: t,
  attributedAtMs: t,
  impressionId: 'i',
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion,
});

/** One window: `impressions` with pCTR 0.02 each and `clicks` clicks. */
function window(
  state: CalibrationState,
  n: number,
  impressions: number,
  clicks: number,
  config: CalibrationConfig,
): CalibrationState {
  let s = state;
  for (let i = 0; i < impressions; i++) s = applyCalibrationEvent(s, ev('IMPRESSION', START + n * W + i, 0.02), config);
  for (let i = 0; i < clicks; i++) s = applyCalibrationEvent(s, ev('CLICK', START + n * W + 1000 + i), config);
  return s;
}

describe('calibration per model version', () => {
  const config: CalibrationConfig = { ...DEFAULT_CALIBRATION_CONFIG, minImpressions: 1000, graceMs: 0 };

  it('is mean predicted CTR ÷ observed CTR: above 1 means the model over-predicts', () => {
    let s = window(EMPTY_CALIBRATION_STATE, 0, 1000, 10, config); // predicted 2 %, observed 1 %
    s = applyCalibrationEvent(s, ev('IMPRESSION', START + W), config);
    const [r] = closeCalibrationWindows(s, config).results;
    expect(r).toMatchObject({ impressions: 1000, clicks: 10, observedCtr: 0.01 });
    expect(r!.predictedCtr).toBeCloseTo(0.02, 12);
    expect(r!.calibration).toBeCloseTo(2, 12);
  });

  it('ignores impressions and clicks no model scored (modelVersion null)', () => {
    let s = window(EMPTY_CALIBRATION_STATE, 0, 1000, 10, config);
    for (let i = 0; i < 500; i++) s = applyCalibrationEvent(s, ev('IMPRESSION', START + 5000 + i, 0.5, null), config);
    for (let i = 0; i < 50; i++) s = applyCalibrationEvent(s, ev('CLICK', START + 6000 + i, 0, null), config);
    s = applyCalibrationEvent(s, ev('IMPRESSION', START + W), config);
    const { results } = closeCalibrationWindows(s, config);
    expect(results.map((r) => [r.modelVersion, r.impressions, r.clicks])).toEqual([['m1', 1000, 10]]);
  });

  it('alerts once after two consecutive judged windows out of band; thin windows neither count nor reset', () => {
    // calibration per window: 1.0 (in), 2.0 (out), thin, 2.0 (out → alert), 2.0 (out, same streak), 1.0 (in), 0.5, 0.5 (alert)
    const plan: Array<[number, number]> = [
      [1000, 20],
      [1000, 10],
      [100, 1],
      [1000, 10],
      [1000, 10],
      [1000, 20],
      [1000, 40],
      [1000, 40],
    ];
    let s = EMPTY_CALIBRATION_STATE;
    plan.forEach(([imps, clicks], n) => {
      s = window(s, n, imps, clicks, config);
    });
    s = applyCalibrationEvent(s, ev('IMPRESSION', START + plan.length * W), config);
    const { alerts, results } = closeCalibrationWindows(s, config);
    expect(results).toHaveLength(plan.length);
    expect(alerts.map((a) => [(a.eventTimeMs - START) / W, a.kind, a.threshold, Number(a.value!.toFixed(9))])).toEqual([
      [4, 'CALIBRATION_DRIFT', 1.25, 2],
      [8, 'CALIBRATION_DRIFT', 0.8, 0.5],
    ]);
    expect(alerts[0]).toMatchObject({
      source: 'aggregation',
      attributes: { modelVersion: 'm1', direction: 'predicted/observed' },
    });
  });

  // A seeded simulation of 50,000 impressions: seconds of work, so a longer timeout than vitest's default.
  it('on a simulated stream: within 5 % of the truth, and a drift injected at minute 20 alerts within two windows', {
    timeout: 30_000,
  }, () => {
    const driftAt = START + 20 * 60_000;
    const base = exampleModel(21);
    const model = exampleModel(21, {
      modelVersions: [
        { version: 'ctr-v1', bias: 1 },
        { version: 'ctr-v2', bias: 1 },
      ],
      drift: { fromMs: driftAt, ctrFactor: 0.6 },
      // No clicks later than the calibration grace here: then every click is judged and the
      // pipeline's calibration must equal the truth's; lateness has its own tests.
      faults: { ...base.faults, expired: 0, lateBeyondGrace: 0 },
    });
    const impressions = simulateImpressions(model, {
      startMs: START,
      durationMs: 45 * 60_000,
      meanIntervalMs: 50,
      users: 400,
      contexts: ['web', 'app'],
    });
    const { events, truth } = simulateUserEvents(impressions, model);
    const tracking = runTracking(
      impressions,
      events,
      model,
      toAttributionConfig({ clickWindowMs: 600_000, viewWindowMs: 180_000, latenessMs: 1_800_000 }),
    );
    const cfg: CalibrationConfig = { ...DEFAULT_CALIBRATION_CONFIG, minImpressions: 2000 };
    let s = EMPTY_CALIBRATION_STATE;
    const results: CalibrationResult[] = [];
    const alerts: ReturnType<typeof closeCalibrationWindows>['alerts'] = [];
    tracking.attributed.forEach(({ event }, n) => {
      s = applyCalibrationEvent(s, event, cfg);
      if (n % 100 === 0) {
        const closed = closeCalibrationWindows(s, cfg);
        s = closed.next;
        results.push(...closed.results);
        alerts.push(...closed.alerts);
      }
    });
    const end = closeCalibrationWindows(advanceCalibration(s, Number.MAX_SAFE_INTEGER), cfg);
    results.push(...end.results);
    alerts.push(...end.alerts);
    for (const version of ['ctr-v1', 'ctr-v2']) {
      const mine = results.filter((r) => r.modelVersion === version);
      const pctr = mine.reduce((a, r) => a + r.pctrSum, 0);
      const clicks = mine.reduce((a, r) => a + r.clicks, 0);
      const sinceDrift = alerts.filter((a) => a.attributes.modelVersion === version);
      expect(Math.abs(pctr / clicks / truth.calibration[version]!.calibration! - 1)).toBeLessThan(0.05);
      expect(sinceDrift).toHaveLength(1);
      expect(sinceDrift[0]!.eventTimeMs).toBeLessThanOrEqual(driftAt + 2 * cfg.windowMs);
      expect(sinceDrift[0]!.eventTimeMs).toBeGreaterThan(driftAt);
      // Before the drift, judged windows were in band (the truth's pCTR equals its CTR). The
      // first window is left out: clicks count at click time, up to clickMaxMs (2 of its 5
      // minutes) after the impression, so it gets none from impressions before the stream
      // started and its calibration sits near 1.25 by construction, not by drift.
      for (const r of mine.filter((x) => x.windowStartMs > START && x.windowEndMs <= driftAt))
        expect(r.calibration!).toBeLessThan(cfg.upper);
    }
  });
});
