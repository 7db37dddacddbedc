import { createCodec, RecordNames } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from './ad-index.ts';
import { decideRequest } from './decide.ts';
import { recordImpression } from './frequency-cap.ts';
import { loadPctrModel, toModelFile } from './pctr/model.ts';
import { ad, bannerImp, campaign, NOW, profile, request, videoImp } from './test-fixtures.ts';

// A model whose weights are all zero predicts 0.5 everywhere: prices below follow from the bids alone.
const model = loadPctrModel(toModelFile('flat-1', 10, new Float32Array(1024), {}));
const caps = [{ maxImpressions: 1, windowMs: 3_600_000 }];
const index = buildAdIndex([
  campaign('hi', [ad('hi', { bidMicros: 5_000_000 })], { frequencyCaps: caps }),
  campaign('lo', [ad('lo', { bidMicros: 3_000_000 })]),
]);
const decide = (req = request(), options = {}) => decideRequest(index, model, req, profile, { nowMs: NOW, ...options });
const outcomeCodec = createCodec(RecordNames.AuctionOutcome);

describe('one auction per imp', () => {
  it('a win per fillable imp, a no-fill with a reason for the others; valid AuctionOutcome records', () => {
    const [banner, video] = decide(request({ imp: [bannerImp, videoImp] }));
    expect(banner!.outcome).toMatchObject({ outcome: 'WIN', impId: '1', eventId: request().eventId, noFill: null });
    expect(banner!.outcome.win).toMatchObject({ adId: 'hi', clearingPriceCpmMicros: 3_000_001, candidates: 2 });
    expect(banner!.modelVersion).toBe('flat-1');
    expect(video!.outcome).toMatchObject({ outcome: 'NO_FILL', noFill: { reason: 'NO_CANDIDATES', code: null } });
    for (const d of [banner!, video!]) expect(outcomeCodec.decode(outcomeCodec.encode(d.outcome))).toEqual(d.outcome);
  });

  it('a capped campaign sits out and the next ad wins; caps of everyone → FREQUENCY_CAPPED', () => {
    const seen = recordImpression(caps, undefined, NOW - 1_000);
    const [d] = decide(request(), { capState: (id: string) => (id === 'hi' ? seen : undefined) });
    expect(d!.outcome.win?.adId).toBe('lo');
    expect(d!.policy?.attributes['policy.removed_frequency_cap']).toBe(1);
    const onlyCapped = buildAdIndex([campaign('hi', [ad('hi')], { frequencyCaps: caps })]);
    const [n] = decideRequest(onlyCapped, model, request(), profile, { nowMs: NOW, capState: () => seen });
    expect(n!.outcome.noFill?.reason).toBe('FREQUENCY_CAPPED');
  });

  it('an imp won earlier in the same request counts against the caps of the later imps', () => {
    const twoSlots = request({ imp: [bannerImp, { ...bannerImp, id: '2' }] });
    const [first, second] = decide(twoSlots, { capState: () => undefined });
    expect(first!.outcome.win?.adId).toBe('hi');
    expect(second!.outcome.win?.adId).toBe('lo'); // 'hi' is capped at 1 per hour
    const [a, b] = decide(twoSlots); // anonymous: no caps at all
    expect([a!.outcome.win?.adId, b!.outcome.win?.adId]).toEqual(['hi', 'hi']);
  });

  it('looks each campaign’s caps and spend up once per request, and no cap state of an uncapped campaign', () => {
    // Three imps, two ads of the capped campaign: the lookups are store and table reads in the service.
    const twoAds = buildAdIndex([
      campaign('hi', [ad('hi', { bidMicros: 5_000_000 }), ad('hi2', { bidMicros: 4_000_000 })], {
        frequencyCaps: caps,
      }),
      campaign('lo', [ad('lo', { bidMicros: 3_000_000 })]),
    ]);
    const capAsked: string[] = [];
    const spendAsked: string[] = [];
    const three = request({ imp: [bannerImp, { ...bannerImp, id: '2' }, { ...bannerImp, id: '3' }] });
    const decisions = decideRequest(twoAds, model, three, profile, {
      nowMs: NOW,
      capState: (id) => void capAsked.push(id),
      spend: (id) => void spendAsked.push(id),
    });
    expect(capAsked).toEqual(['hi']);
    expect(spendAsked.sort()).toEqual(['hi', 'lo']);
    // The first imp's win still caps 'hi' (1 per hour) for the later imps.
    expect(decisions.map((d) => d.outcome.win?.adId)).toEqual(['hi', 'lo', 'lo']);
  });

  it('every bid below the floor → BELOW_FLOOR, Prebid code 301', () => {
    const [d] = decide(request({ imp: [{ ...bannerImp, bidfloorMicros: 9_000_000 }] }));
    expect(d!.outcome.noFill).toMatchObject({ reason: 'BELOW_FLOOR', code: 301 });
  });

  it('a request older than its tmax → TIMEOUT, code 101, for every imp, without an auction', () => {
    const old = request({ tmax: 100, receivedAtMs: NOW - 101, imp: [bannerImp, { ...bannerImp, id: '2' }] });
    const decisions = decide(old);
    expect(decisions.map((d) => [d.imp.id, d.outcome.noFill?.reason, d.outcome.noFill?.code])).toEqual([
      ['1', 'TIMEOUT', 101],
      ['2', 'TIMEOUT', 101],
    ]);
    expect(decisions[0]!.auction).toBeNull();
  });

  it('targeting excludes every ad → NO_TARGETING_MATCH', () => {
    const usOnly = buildAdIndex([
      campaign('us', [ad('us')], { targeting: { ...index.campaigns[0]!.targeting, countries: ['USA'] } }),
    ]);
    const [d] = decideRequest(usOnly, model, request(), profile, { nowMs: NOW });
    expect(d!.outcome.noFill?.reason).toBe('NO_TARGETING_MATCH');
  });

  it('first price when the request says at = 1', () => {
    const [d] = decide(request({ at: 1 }));
    expect(d!.outcome.win?.clearingPriceCpmMicros).toBe(5_000_000);
  });
});
