import { describe, expect, it } from 'vitest';
import { exampleModel } from './example-model.ts';
import { simulateImpressions } from './impressions.ts';
import { LATENESS_MARGIN_MS } from './model.ts';
import { simulateUserEvents } from './user-events.ts';
import { toRawUserEvent } from './wire.ts';

const plan = {
  startMs: Date.UTC(2026, 10, 26),
  durationMs: 20 * 60_000,
  meanIntervalMs: 200,
  users: 200,
  contexts: ['web', 'app'],
};

function run(seed: number) {
  const model = exampleModel(seed);
  const impressions = simulateImpressions(model, plan);
  return { model, impressions, ...simulateUserEvents(impressions, model) };
}

describe('click and conversion simulator', { timeout: 30_000 }, () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(JSON.stringify(run(11))).toBe(JSON.stringify(run(11)));
    expect(JSON.stringify(run(11).events)).not.toBe(JSON.stringify(run(12).events));
  });

  it('returns a JSON-able truth of what it sent', () => {
    const { truth } = run(13);
    expect(JSON.parse(JSON.stringify(truth))).toEqual(truth);
    expect(truth.windows.length).toBeGreaterThan(20);
  });

  it('sends each fault it claims, as a tracker would see it', () => {
    const { events, impressions, model } = run(14);
    const tokens = new Map(impressions.map((s) => [s.impression.trackingToken, s.impression]));
    const of = (label: string) => events.filter((e) => e.label === label);
    for (const e of of('forged')) expect(e.kind === 'click' && tokens.has(e.token)).toBe(false);
    expect(of('forged').length).toBeGreaterThan(0);
    for (const e of of('expired')) {
      if (e.kind !== 'click') throw new Error('only clicks expire');
      expect(e.eventTimeMs - tokens.get(e.token)!.eventTimeMs).toBeGreaterThan(model.windows.tokenTtlMs);
    }
    // A duplicate is an exact copy of a genuine event, delivered later.
    const content = (e: (typeof events)[number]) => JSON.stringify({ ...e, deliverAtMs: 0, label: '' });
    for (const d of of('duplicate')) {
      const original = events.find((e) => e.label === 'genuine' && content(e) === content(d));
      expect(original && original.deliverAtMs <= d.deliverAtMs).toBe(true);
    }
    expect(of('duplicate').length).toBeGreaterThan(0);
    const { graceMs, windowMs } = model.windows;
    for (const e of events.filter((x) => x.label === 'genuine')) {
      const delay = e.deliverAtMs - e.eventTimeMs;
      if (e.lateness === 'beyond-grace') expect(delay).toBeGreaterThanOrEqual(windowMs + graceMs + LATENESS_MARGIN_MS);
      else expect(delay).toBeLessThanOrEqual(graceMs - 10_000);
    }
    expect(events.map((e) => e.deliverAtMs)).toEqual(events.map((e) => e.deliverAtMs).sort((a, b) => a - b));
  });

  it('forges a click as the genuine token with another signature of the same length, never the genuine one', () => {
    // A signature as short as a simulated token's (`tok.<impression id>.sig`) is drawn as the
    // genuine one now and then, and such a "forgery" would verify.
    const { events, impressions } = run(16);
    const genuine = new Set(impressions.map((s) => s.impression.trackingToken));
    const forged = events.flatMap((e) => (e.kind === 'click' && e.label === 'forged' ? [e.token] : []));
    expect(forged.length).toBeGreaterThan(30);
    for (const token of forged) {
      const head = token.slice(0, token.lastIndexOf('.') + 1);
      const real = impressions.find((s) => s.impression.trackingToken.startsWith(head))?.impression.trackingToken;
      expect(token.length).toBe(real?.length);
      expect(genuine.has(token)).toBe(false);
    }
  });

  it('clicks at the true CTR per campaign and context', () => {
    const model = exampleModel(15, { faults: { ...exampleModel(0).faults, expired: 0 } });
    const impressions = simulateImpressions(model, { ...plan, durationMs: 60 * 60_000, meanIntervalMs: 60 });
    const { events } = simulateUserEvents(impressions, model);
    const clicked = new Set(
      events
        .filter((e) => e.kind === 'click' && e.label === 'genuine')
        .map((e) => (e.kind === 'click' ? e.impressionId : null)),
    );
    const ctr = (campaignId: string, context: string) => {
      const shown = impressions.filter(
        (s) =>
          s.impression.campaignId === campaignId &&
          s.context === context &&
          s.impression.eventTimeMs < impressions.at(-1)!.impression.eventTimeMs - 20 * 60_000,
      );
      return shown.filter((s) => clicked.has(s.impression.impressionId)).length / shown.length;
    };
    // camp-a: web 4 %, app 8 % (about 10,000 impressions each: ±0.6 % is 3 standard errors at 8 %).
    expect(ctr('camp-a', 'web')).toBeGreaterThan(0.034);
    expect(ctr('camp-a', 'web')).toBeLessThan(0.046);
    expect(ctr('camp-a', 'app')).toBeGreaterThan(0.072);
    expect(ctr('camp-a', 'app')).toBeLessThan(0.088);
  });
});

describe('raw tracker events', () => {
  it('carry only what a tracker sends, with the value in major units', () => {
    const { events } = run(16);
    const conversion = events.find((e) => e.kind === 'conversion')!;
    const click = events.find((e) => e.kind === 'click')!;
    const raw = toRawUserEvent(conversion, (key) => `id-of-${key}`);
    expect(Object.keys(raw).sort()).toEqual(['conversionId', 'currency', 'ts', 'type', 'userId', 'value']);
    if (conversion.kind !== 'conversion' || raw.type !== 'conversion') throw new Error('expected a conversion');
    expect(Math.round(raw.value * 1_000_000)).toBe(conversion.valueMicros);
    expect([raw.userId, Date.parse(raw.ts)]).toEqual([`id-of-${conversion.userKey}`, conversion.eventTimeMs]);
    expect(toRawUserEvent(click, () => 'unused')).toEqual({
      type: 'click',
      token: click.kind === 'click' ? click.token : '',
      ts: new Date(click.eventTimeMs).toISOString(),
    });
  });
});
