import type { RoasWindow } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { toAttributionConfig } from '../attribution/config.ts';
import { exampleModel } from '../attribution/simulate/example-model.ts';
import { simulateImpressions } from '../attribution/simulate/impressions.ts';
import { createRng, shuffle } from '../attribution/simulate/prng.ts';
import { runTracking, type TrackedEvent } from '../attribution/simulate/reference-pipeline.ts';
import type { TruthWindow } from '../attribution/simulate/truth.ts';
import { simulateUserEvents } from '../attribution/simulate/user-events.ts';
import { toRoasConfig } from './config.ts';
import { applyRoasRecord, currentRows, EMPTY_ROAS_TABLE } from './generations.ts';
import { RoasAggregator } from './roas-aggregator.ts';

const START = Date.UTC(2026, 10, 26, 0, 0, 0);
const NUMBERS = [
  'impressions',
  'clicks',
  'conversions',
  'clickThroughConversions',
  'viewThroughConversions',
  'spendMicros',
  'revenueMicros',
  'clickThroughRevenueMicros',
  'viewThroughRevenueMicros',
  'lateDropped',
] as const;

function scenario(seed: number) {
  const model = exampleModel(seed);
  const impressions = simulateImpressions(model, {
    startMs: START,
    durationMs: 40 * 60_000,
    meanIntervalMs: 150,
    users: 400,
    contexts: ['web', 'app'],
  });
  const { events, truth } = simulateUserEvents(impressions, model);
  const config = toAttributionConfig({
    clickWindowMs: model.windows.clickWindowMs,
    viewWindowMs: model.windows.viewWindowMs,
    latenessMs: 30 * 60_000,
  });
  return { model, impressions, events, truth, tracking: runTracking(impressions, events, model, config) };
}

/** What a consumer's reordering does to the aggregation input: redeliveries, a little jitter, some impressions late within grace. */
function perturb(input: readonly TrackedEvent[], seed: number): TrackedEvent[] {
  const rng = createRng(seed);
  const out: TrackedEvent[] = [];
  for (const x of input) {
    const late = x.event.kind === 'IMPRESSION' && rng.chance(0.03) ? rng.int(60_000, 270_000) : 0;
    out.push({ ...x, deliverAtMs: x.deliverAtMs + late + rng.int(0, 2_000) });
    if (rng.chance(0.05)) out.push({ ...x, deliverAtMs: x.deliverAtMs + rng.int(0, 60_000) });
  }
  return out.sort((a, b) => a.deliverAtMs - b.deliverAtMs);
}

function aggregate(input: readonly TrackedEvent[], generation: number): RoasWindow[] {
  const config = toRoasConfig({ windowMs: 60_000, graceMs: 300_000, generation });
  const agg = new RoasAggregator(config);
  const emitted: RoasWindow[] = [];
  input.forEach((x, n) => {
    agg.apply(x.event);
    if (n % 40 === 0) emitted.push(...agg.flush(x.deliverAtMs));
  });
  agg.advance((agg.state.watermarkMs ?? 0) + config.windowMs + config.graceMs);
  emitted.push(...agg.flush(Number.MAX_SAFE_INTEGER));
  return emitted;
}

const pick = (r: TruthWindow | RoasWindow) => [r.campaignId, r.windowStartMs, ...NUMBERS.map((k) => r[k])];

// Seeded simulations of tens of thousands of events: seconds of work on a shared machine, so a longer timeout.
describe('ROAS exactness against a seeded ground truth', { timeout: 30_000 }, () => {
  it.each([1, 2, 3])(
    'seed %i: final windows equal the truth per campaign and window, with shuffled, duplicated and late events',
    (seed) => {
      const { truth, tracking } = scenario(seed);
      // The faults really happened.
      expect(truth.counts.lateBeyondGrace).toBeGreaterThan(5);
      expect(truth.counts.lateWithinGrace).toBeGreaterThan(20);
      expect(truth.counts.duplicates).toBeGreaterThan(20);
      expect(truth.counts.forged + truth.counts.expired).toBeGreaterThan(5);
      expect(truth.counts.unattributed).toBeGreaterThan(5);
      expect(tracking.deadLetters.length).toBe(truth.counts.forged + truth.counts.expired);

      const emitted = aggregate(perturb(tracking.attributed, seed + 100), 0);
      // Consumers see records in any order; the table keeps the latest revision.
      const table = shuffle(emitted, createRng(seed)).reduce(applyRoasRecord, EMPTY_ROAS_TABLE);
      const rows = currentRows(table);
      expect(rows.map(pick)).toEqual(truth.windows.map(pick));
      expect(rows.every((r) => r.final)).toBe(true);
      // Late data within grace restated windows before they were final.
      expect(emitted.filter((r) => !r.final && r.revision > 0).length).toBeGreaterThan(5);
      expect(rows.filter((r) => r.lateDropped > 0).length).toBeGreaterThan(3);
    },
  );

  it('revisions of a window go 0, 1, 2, … and nothing follows the first final one except lateDropped', () => {
    const { tracking } = scenario(4);
    const byWindow = new Map<string, RoasWindow[]>();
    for (const r of aggregate(perturb(tracking.attributed, 7), 0)) {
      const key = `${r.windowStartMs}|${r.campaignId}`;
      byWindow.set(key, [...(byWindow.get(key) ?? []), r]);
    }
    for (const records of byWindow.values()) {
      expect(records.map((r) => r.revision)).toEqual(records.map((_, i) => i));
      const firstFinal = records.findIndex((r) => r.final);
      for (const later of records.slice(firstFinal + 1)) {
        expect(later.final).toBe(true);
        expect(NUMBERS.filter((k) => k !== 'lateDropped').map((k) => later[k])).toEqual(
          NUMBERS.filter((k) => k !== 'lateDropped').map((k) => records[firstFinal]![k]),
        );
      }
    }
  });

  it('a rebuild (generation 1, another delivery order) takes over once caught up and is still exact', () => {
    const { truth, tracking } = scenario(5);
    const live = aggregate(perturb(tracking.attributed, 1), 0);
    const rebuild = aggregate(perturb(tracking.attributed, 2), 1);
    const half = Math.floor(rebuild.length / 2);
    let table = live.reduce(applyRoasRecord, EMPTY_ROAS_TABLE);
    table = rebuild.slice(0, half).reduce(applyRoasRecord, table);
    expect(table.current).toBe(0); // not caught up yet
    table = rebuild.slice(half).reduce(applyRoasRecord, table);
    expect(table.current).toBe(1);
    expect(currentRows(table).map(pick)).toEqual(truth.windows.map(pick));
  });

  it('attributes every conversion as the brute-force last-touch oracle does', () => {
    const { truth, tracking } = scenario(6);
    const got = new Map(
      tracking.attributed.filter((x) => x.event.kind === 'CONVERSION').map((x) => [x.event.eventId, x.event]),
    );
    for (const c of truth.conversions) {
      const e = got.get(c.conversionId);
      expect(e ? [e.campaignId, e.touch, e.touchEventId, e.valueMicros] : [null, 'NONE', null]).toEqual(
        c.campaignId ? [c.campaignId, c.touch, c.touchEventId, c.valueUsdMicros] : [null, 'NONE', null],
      );
    }
    expect(new Set(tracking.unattributed)).toEqual(
      new Set(truth.conversions.filter((c) => !c.campaignId).map((c) => c.conversionId)),
    );
    expect(truth.conversions.filter((c) => c.touch === 'VIEW').length).toBeGreaterThan(10);
  });
});
