import { readFileSync } from 'node:fs';
import type { Alert, Campaign } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from '../ad-index.ts';
import {
  applyCalibrationEvent,
  closeCalibrationWindows,
  DEFAULT_CALIBRATION_CONFIG,
  EMPTY_CALIBRATION_STATE,
} from '../aggregation/calibration.ts';
import { toAttributionConfig } from '../attribution/config.ts';
import { runTracking } from '../attribution/simulate/reference-pipeline.ts';
import { simulateUserEvents } from '../attribution/simulate/user-events.ts';
import { loadPctrModel } from '../pctr/model.ts';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, parseNdjson, SHIPPED_PCTR_MODEL_URL } from './files.ts';
import { simulateImpressions } from './ground-truth.ts';
import { demoUserEventModel, servedDemoImpressions } from './user-event-model.ts';
import type { DemoUser } from './users.ts';

// Reads the package's committed data (no other I/O): the shipped model against the truth, with
// clicks drawn by the simulator `adtrace load` uses.
const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const index = buildAdIndex(campaigns);
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const shipped = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
const VERSION = 'pctr-demo-1';
const START = Date.UTC(2026, 10, 26);
const windows = {
  windowMs: 60_000,
  graceMs: 300_000,
  clickWindowMs: 600_000,
  viewWindowMs: 180_000,
  tokenTtlMs: 3_600_000,
};
const served = (count: number, seed: number, intervalMs: number) => [
  ...servedDemoImpressions(simulateImpressions(index, users, { count, seed }), shipped, {
    startMs: START,
    intervalMs,
    modelVersion: VERSION,
  }),
];

describe('the demo user-event model', () => {
  it('covers every campaign of the catalog, with conversion rates and values in a realistic range', () => {
    const model = demoUserEventModel(campaigns, { seed: 1, windows });
    expect(model.campaigns.map((c) => c.campaignId)).toEqual(campaigns.map((c) => c.id));
    for (const c of model.campaigns) {
      expect(c.clickConversionRate).toBeGreaterThan(0.02);
      expect(c.clickConversionRate).toBeLessThan(0.5);
      expect(c.viewConversionRate).toBeLessThan(0.05);
      expect(c.currency).toBe('USD');
    }
    // Delays scale with short windows, so a test pipeline sees every case within a run.
    const short = demoUserEventModel(campaigns, {
      seed: 1,
      windows: { ...windows, windowMs: 5_000, graceMs: 20_000, clickWindowMs: 20_000, viewWindowMs: 10_000 },
    });
    expect(short.delays.clickMaxMs).toBe(10_000);
    expect(short.delays.deliveryMaxMs).toBe(2_000);
  });

  it('clicks drawn for the shipped model’s impressions: calibration within 5 % of the ground truth’s', {
    timeout: 180_000,
  }, () => {
    // 150 k impressions, 200 ms apart (8 h, so the clicks the end cuts off are noise): about 2 700 clicks.
    const impressions = served(150_000, 31, 200);
    const { truth } = simulateUserEvents(impressions, demoUserEventModel(campaigns, { seed: 31, windows }));
    const observed = truth.calibration[VERSION]!;
    const trueCtrSum = impressions.reduce((s, i) => s + i.trueCtr!, 0);
    const versusTruth = observed.pctrSum / trueCtrSum;
    expect(observed.impressions).toBe(150_000);
    expect(observed.clicks).toBeGreaterThan(2_000);
    // The shipped model against the truth itself, then the observed clicks against the truth's.
    expect(Math.abs(versusTruth - 1)).toBeLessThan(0.05);
    expect(Math.abs(observed.calibration! / versusTruth - 1)).toBeLessThan(0.05);
  });

  it('a drift injected into the truth (CTR × 1.5) raises CALIBRATION_DRIFT within two windows, none before', {
    timeout: 180_000,
  }, () => {
    const calibration = { ...DEFAULT_CALIBRATION_CONFIG, windowMs: 60_000, graceMs: 10_000, minImpressions: 10_000 };
    // 15 000 impressions a minute (about 270 clicks) for 5 minutes; the truth drifts from minute 2.
    const impressions = served(75_000, 32, 4);
    const driftFromMs = START + 2 * 60_000;
    const model = demoUserEventModel(campaigns, {
      seed: 32,
      windows: { ...windows, graceMs: 10_000, clickWindowMs: 20_000, viewWindowMs: 10_000, latenessMarginMs: 5_000 },
      drift: { fromMs: driftFromMs, ctrFactor: 1.5 },
    });
    const { events } = simulateUserEvents(impressions, model);
    const tracked = runTracking(impressions, events, model, toAttributionConfig({ latenessMs: 600_000 }));
    let state = EMPTY_CALIBRATION_STATE;
    const alerts: Alert[] = [];
    for (const { event } of tracked.attributed) {
      state = applyCalibrationEvent(state, event, calibration);
      const closed = closeCalibrationWindows(state, calibration);
      state = closed.next;
      alerts.push(...closed.alerts);
    }
    expect(alerts.map((a) => [a.kind, Number(a.attributes.windowStartMs)])).toEqual([
      ['CALIBRATION_DRIFT', driftFromMs + 60_000],
    ]);
    expect(alerts[0]!.value).toBeLessThan(0.8);
  });
});
