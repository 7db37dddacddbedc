import { describe, expect, it } from 'vitest';
import type { Candidate } from './candidates.ts';
import { recordImpression } from './frequency-cap.ts';
import { ecpmMicros, evenDailyPacing, type PolicyInput, policyFilter } from './policy.ts';
import { ad, bannerImp, campaign, candidate, NOW, request } from './test-fixtures.ts';

const score = (c: Candidate) => {
  const pctr = 0.01;
  return { candidate: c, pctr, ecpmMicros: ecpmMicros(c.entry.ad.bidType, c.entry.ad.bidMicros, pctr) };
};
const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  request: request(),
  imp: bannerImp,
  nowMs: NOW,
  score,
  ...over,
});

const plain = candidate(campaign('plain', [ad('p')]));
const beer = candidate(campaign('beer', [ad('b', { policyFlags: ['ALCOHOL'] }, { cat: ['IAB8-5'] })]));
const capped = campaign('capped', [ad('c')], { frequencyCaps: [{ maxImpressions: 1, windowMs: 3_600_000 }] });

describe('policy filter', () => {
  it('COPPA blocks every flagged ad; bcat blocks a flag through its categories', () => {
    const coppa = request({ regs: { ...request().regs, coppa: true } });
    let r = policyFilter([plain, beer], input({ request: coppa }));
    expect(r.bids.map((b) => b.candidate.entry.ad.id)).toEqual(['p']);
    expect(r.attributes['policy.removed_policy_violation']).toBe(1);
    // IAB8-18 (wine) is an alcohol category: the flag is blocked though the creative says IAB8-5.
    const beerWithoutCat = candidate(campaign('beer2', [ad('b2', { policyFlags: ['ALCOHOL'] }, { cat: [] })]));
    r = policyFilter([beerWithoutCat], input({ request: request({ bcat: ['IAB8-18'] }) }));
    expect(r.attributes['policy.removed_policy_violation']).toBe(1);
  });

  it('bcat blocks a category and its sub-categories; badv blocks a domain and its subdomains', () => {
    const r1 = policyFilter([beer, plain], input({ request: request({ bcat: ['IAB8'] }) }));
    expect(r1.bids.map((b) => b.candidate.entry.ad.id)).toEqual(['p']);
    const shop = candidate(campaign('s', [ad('s', {}, { adomain: ['shop.brand.example'], cat: [] })]));
    const r2 = policyFilter([shop], input({ request: request({ badv: ['brand.example'] }) }));
    expect(r2.attributes['policy.removed_blocked_by_request']).toBe(1);
  });

  it('frequency caps from the user state', () => {
    const state = recordImpression(capped.frequencyCaps, undefined, NOW - 60_000);
    const c = candidate(capped);
    expect(policyFilter([c], input({ capState: () => state })).attributes['policy.removed_frequency_cap']).toBe(1);
    expect(policyFilter([c], input({ capState: () => undefined })).bids).toHaveLength(1);
    expect(policyFilter([c], input()).bids).toHaveLength(1); // anonymous: no caps
  });

  it('floor: a CPM floor against eCPM, CPC bids as bid × pCTR × 1000', () => {
    const cpc = candidate(campaign('cpc', [ad('k', { bidType: 'CPC', bidMicros: 300_000 })])); // eCPM 3.00 at 1 %
    const cpm = candidate(campaign('cpm', [ad('m', { bidType: 'CPM', bidMicros: 2_000_000 })]));
    const r = policyFilter([cpc, cpm], input({ imp: { ...bannerImp, bidfloorMicros: 2_500_000 } }));
    expect(r.bids.map((b) => [b.candidate.entry.ad.id, b.ecpmMicros])).toEqual([['k', 3_000_000]]);
    expect(r.attributes['policy.removed_below_floor']).toBe(1);
    expect(r.floorCpmMicros).toBe(2_500_000);
  });

  it('budgets: enforced only with a spend lookup; total and daily', () => {
    const c = campaign('b', [ad('b')], { budget: { totalMicros: 100, dailyMicros: 10, currency: 'USD' } });
    const cand = candidate(c);
    expect(policyFilter([cand], input()).bids).toHaveLength(1);
    const spent = (totalMicros: number, todayMicros: number) =>
      input({ spend: () => ({ totalMicros, todayMicros }), pacing: null });
    expect(policyFilter([cand], spent(100, 0)).attributes['policy.removed_budget']).toBe(1);
    expect(policyFilter([cand], spent(50, 10)).attributes['policy.removed_budget']).toBe(1);
    expect(policyFilter([cand], spent(50, 9)).bids).toHaveLength(1);
  });

  it('even pacing holds a campaign that spent its day too early', () => {
    const c = campaign('p', [ad('p')], { budget: { totalMicros: 1e12, dailyMicros: 1_000_000, currency: 'USD' } });
    const sixAm = Date.UTC(2026, 10, 26, 6);
    expect(evenDailyPacing(c, { totalMicros: 0, todayMicros: 200_000 }, sixAm)).toBe(true); // 20 % ≤ 25 % + 5 %
    expect(evenDailyPacing(c, { totalMicros: 0, todayMicros: 400_000 }, sixAm)).toBe(false);
    const r = policyFilter(
      [candidate(c)],
      input({ nowMs: sixAm, spend: () => ({ totalMicros: 0, todayMicros: 400_000 }) }),
    );
    expect(r.attributes['policy.removed_pacing']).toBe(1);
  });

  it('the counts add up to the input', () => {
    const r = policyFilter([plain, beer, candidate(capped)], input({ request: request({ bcat: ['IAB8'] }) }));
    const a = r.attributes;
    const removed = Object.entries(a)
      .filter(([k]) => k.startsWith('policy.removed_'))
      .reduce((s, [, v]) => s + v, 0);
    expect(removed + a['policy.remaining']).toBe(a['policy.input_count']);
    expect(a['policy.input_count']).toBe(3);
  });
});
