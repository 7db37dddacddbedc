import { readFileSync } from 'node:fs';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, demoUserEventModel, parseNdjson } from '@adtrace/ads';
import type { Campaign, Impression } from '@adtrace/schemas';
import { exampleImpression } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { generateLoad, type LoadTruth } from './openrtb-load.ts';
import { pipelineWindows } from './pipeline-windows.ts';
import { createUserEventLoad, type UserEventLoadStats } from './user-event-load.ts';

// The user-event load without truth (`adtrace start`'s, which runs without end) against the
// truth-keeping one (`adtrace load`'s) on the same impressions and seed: 200,000 requests, one
// impression each, 20 a second (2.8 hours of a fake clock), on the pipeline's default windows
// (what `start` runs with: a 7-day click window, a day-long view window, 5 minutes of grace).
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const servable = campaigns
  .filter((c) => c.active)
  .flatMap((c) => c.ads.filter((a) => a.active).map((ad) => ({ c, ad })));
const windows = pipelineWindows({});
const T0 = Date.UTC(2026, 10, 26, 12);
const REQUESTS = 200_000;
const INTERVAL_MS = 50;
const REQUEST_TTL_MS = 60_000;

function impressionOf(r: LoadTruth, i: number, sentAtMs: number): Impression {
  const { c: campaign, ad } = servable[(i * 7) % servable.length]!;
  const eventId = `ev-${i}`;
  return {
    ...exampleImpression,
    eventId,
    impressionId: `${eventId}.1`,
    requestId: r.requestId,
    impId: r.imps[0]!.id,
    // As ingest keys them: by the request's own event without consent, by device or event without a user id.
    userKey: r.gdprWithoutConsent ? `anon_${eventId}` : `key-${r.userId ?? r.requestId}`,
    campaignId: campaign.id,
    adId: ad.id,
    trackingToken: `v1.k1.${eventId}.c2lnbmF0dXJl`,
    eventTimeMs: sentAtMs + 200,
  };
}

describe('the user-event load without truth', () => {
  it('holds bounded state over hours and sends exactly what the truth-keeping load sends', () => {
    const model = demoUserEventModel(campaigns, { seed: 11, windows, drift: null });
    const truthful = createUserEventLoad({ campaigns, users, model });
    const bounded = createUserEventLoad({ campaigns, users, model, keepTruth: false, requestTtlMs: REQUEST_TTL_MS });
    const fromTruth: string[] = [];
    const fromBounded: string[] = [];
    const samples: { atMs: number; stats: UserEventLoadStats }[] = [];
    const requests = generateLoad(users, 11, REQUESTS);
    const served: Impression[] = [];
    let i = 0;
    let next = 0;
    const endMs = T0 + REQUESTS * INTERVAL_MS + 60_000;
    for (let now = T0; now < endMs; now += 100) {
      // The requests sent by now (each registered as sendLoad's beforeSend does), served 200 ms later.
      for (; i < REQUESTS && T0 + i * INTERVAL_MS <= now; i++) {
        const r = requests.next().value!.truth;
        const sentAtMs = T0 + i * INTERVAL_MS;
        truthful.request(r, sentAtMs);
        bounded.request(r, sentAtMs);
        served.push(impressionOf(r, i, sentAtMs));
      }
      // Read 300 ms after serving, as the tracker follows the impressions topic.
      for (; next < served.length && served[next]!.eventTimeMs + 300 <= now; next++) {
        truthful.impression(served[next]!, now);
        bounded.impression(served[next]!, now);
        served[next] = undefined as unknown as Impression; // the test itself keeps nothing either
      }
      for (const s of truthful.due(now, now - 300)) fromTruth.push(JSON.stringify(s));
      for (const s of bounded.due(now, now - 300)) fromBounded.push(JSON.stringify(s));
      if ((now - T0) % 60_000 === 0) samples.push({ atMs: now, stats: bounded.stats() });
    }

    expect(truthful.stats().impressions).toBe(REQUESTS);
    expect(bounded.stats().impressions).toBe(REQUESTS);
    // The same events in the same order: forgetting never changed a draw or a delivery time.
    expect(fromBounded.length).toBe(fromTruth.length);
    expect(fromBounded).toEqual(fromTruth);
    const sent = fromBounded.map((s) => JSON.parse(s) as { event: { kind: string; label: string } });
    const clicks = sent.filter((s) => s.event.kind === 'click' && s.event.label === 'genuine').length;
    const conversions = sent.filter((s) => s.event.kind === 'conversion').length;
    expect(clicks / REQUESTS).toBeGreaterThan(0.005);
    expect(conversions / REQUESTS).toBeGreaterThan(0.001);

    // Past the first minutes, nothing it holds grows with time: requests within their TTL (20 a
    // second), touches within the settled time less a minute's slack (a late click's until its
    // delivery), raw ids of the demo's 1,000 users at most, events in flight (a late one is
    // delivered up to ~14 minutes after its impression).
    const warm = samples.filter((s) => s.atMs >= T0 + 20 * 60_000);
    const most = (k: keyof UserEventLoadStats) => Math.max(...warm.map((s) => s.stats[k]));
    const log = JSON.stringify(samples.at(-1));
    expect(most('requests'), log).toBeLessThanOrEqual((REQUEST_TTL_MS / INTERVAL_MS) * 1.05);
    expect(most('touches'), log).toBeLessThan(3_000);
    expect(most('userIds'), log).toBeLessThanOrEqual(users.length);
    expect(most('unsent'), log).toBeLessThan(1_000);
    // The hour before the end holds no more than the hour after the warm-up (± noise).
    const hour = (fromMs: number) => warm.filter((s) => s.atMs >= fromMs && s.atMs < fromMs + 3_600_000);
    const peak = (ss: typeof warm) => Math.max(...ss.map((s) => s.stats.touches + s.stats.unsent + s.stats.requests));
    expect(peak(hour(endMs - 3_600_000 - 60_000))).toBeLessThan(peak(hour(T0 + 20 * 60_000)) * 1.3);
    // A click on a week-old token and a conversion after a day-long window are never to be sent.
    expect(bounded.stats().dropped).toBeGreaterThan(0);
  }, 300_000);

  it('forgets a request after its TTL, keeps no truth, skips an ad the catalog lacks', () => {
    const model = demoUserEventModel(campaigns, { seed: 2, windows, drift: null });
    const load = createUserEventLoad({ campaigns, users, model, keepTruth: false, requestTtlMs: REQUEST_TTL_MS });
    const [a, b, c] = [...generateLoad(users, 2, 3)].map((e) => e.truth);
    load.request(a!, T0);
    load.request(b!, T0 + REQUEST_TTL_MS + 1); // sent a TTL after a: a's impressions are no longer recognized
    expect(load.impression(impressionOf(a!, 0, T0), T0 + 1_000)).toBe(false);
    expect(load.impression(impressionOf(b!, 1, T0), T0 + 1_000)).toBe(true);
    expect(load.impression(impressionOf(b!, 1, T0), T0 + 1_000)).toBe(false); // each once
    load.request(c!, T0 + REQUEST_TTL_MS + 2);
    expect(load.impression({ ...impressionOf(c!, 2, T0), adId: 'ad-nobody-sells' }, T0 + 1_000)).toBe(true);
    expect(load.stats()).toMatchObject({ impressions: 1, requests: 2, unknownAds: 1 });
    expect(() => load.truth()).toThrow(/keeps no truth/);
  });
});
