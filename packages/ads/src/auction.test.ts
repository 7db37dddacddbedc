import { describe, expect, it } from 'vitest';
import { auctionWin, clearingPrice, GSP_EPSILON_MICROS, isTimedOut, noFill, runAuction } from './auction.ts';
import { ad, bid, campaign } from './test-fixtures.ts';

const cpm = (id: string, bidMicros: number) => campaign(`c-${id}`, [ad(id, { bidType: 'CPM', bidMicros })]);
const cpc = (id: string, bidMicros: number) => campaign(`c-${id}`, [ad(id, { bidType: 'CPC', bidMicros })]);

describe('second price (at = 2)', () => {
  it('one bidder pays the floor plus epsilon, not its bid', () => {
    const r = runAuction([bid(cpm('a', 5_000_000), 0.01)], { at: 2, floorCpmMicros: 1_000_000 });
    expect(r.winner?.candidate.entry.ad.id).toBe('a');
    expect(r.clearingPriceCpmMicros).toBe(1_000_000 + GSP_EPSILON_MICROS);
    expect(r.attributes['auction.second_price_cpm']).toBeUndefined();
  });

  it('the winner pays the runner-up eCPM plus epsilon', () => {
    const r = runAuction([bid(cpm('a', 3_000_000), 0.01), bid(cpm('b', 5_000_000), 0.01)], {
      at: 2,
      floorCpmMicros: 500_000,
    });
    expect(r.winner?.candidate.entry.ad.id).toBe('b');
    expect(r.clearingPriceCpmMicros).toBe(3_000_001);
    expect(r.attributes).toMatchObject({
      'auction.participants': 2,
      'auction.type': 'second_price',
      'auction.winning_bid_cpm': 5,
      'auction.second_price_cpm': 3,
      'auction.winning_advertiser': 'adv-c-b',
    });
  });

  it('ranks CPC bids by bid × pCTR × 1000 and prices them at s2·b2/s1 per click', () => {
    // CPC 1.00 at 1 % → eCPM 10.00; CPM 4.00 → runner-up. Per click: 4.00 / (0.01 × 1000) = 0.40.
    const r = runAuction([bid(cpm('m', 4_000_000), 0.5), bid(cpc('c', 1_000_000), 0.01)], {
      at: 2,
      floorCpmMicros: 0,
    });
    expect(r.winner?.ecpmMicros).toBe(10_000_000);
    expect(r.clearingPriceCpmMicros).toBe(4_000_001);
    const perClick = r.clearingPriceCpmMicros / (r.winner!.pctr * 1000);
    expect(perClick).toBeCloseTo(400_000, 0);
  });

  it('never pays below the floor nor above its own eCPM', () => {
    expect(clearingPrice('second_price', 5_000_000, 100_000, 2_000_000)).toBe(2_000_001);
    expect(clearingPrice('second_price', 2_000_000, null, 2_000_000)).toBe(2_000_000); // bid = floor: not floor + ε
    expect(clearingPrice('second_price', 5_000_000, 5_000_000, 0)).toBe(5_000_000); // tie: pays its bid
  });

  it('breaks ties deterministically, whatever the input order', () => {
    const bids = [bid(cpm('b', 2_000_000), 0.02), bid(cpm('a', 2_000_000), 0.02), bid(cpm('c', 2_000_000), 0.03)];
    const winners = [bids, [...bids].reverse(), [bids[1]!, bids[2]!, bids[0]!]].map((order) =>
      runAuction(order, { at: 2, floorCpmMicros: 0 }).ranked.map((b) => b.candidate.entry.ad.id),
    );
    // Equal eCPM: higher pCTR first, then ad id.
    for (const w of winners) expect(w).toEqual(['c', 'a', 'b']);
  });
});

describe('first price (at = 1)', () => {
  it('the winner pays its own eCPM', () => {
    const r = runAuction([bid(cpm('a', 3_000_000), 0.01), bid(cpm('b', 5_000_000), 0.01)], {
      at: 1,
      floorCpmMicros: 500_000,
    });
    expect(r.clearingPriceCpmMicros).toBe(5_000_000);
    expect(r.attributes['auction.type']).toBe('first_price');
  });
});

describe('auction records', () => {
  it('the win names the runner-up, the floor and the participants', () => {
    const r = runAuction([bid(cpm('a', 3_000_000), 0.01), bid(cpm('b', 5_000_000), 0.02)], {
      at: 2,
      floorCpmMicros: 1_000_000,
    });
    const win = auctionWin(r, 1_000_000)!;
    expect(win).toMatchObject({
      adId: 'b',
      clearingPriceCpmMicros: 3_000_001,
      floorCpmMicros: 1_000_000,
      candidates: 2,
    });
    expect(win.runnerUp).toMatchObject({ adId: 'a', ecpmMicros: 3_000_000 });
  });

  it('no bids: no winner, and scores only for the top N', () => {
    expect(runAuction([], { at: 2, floorCpmMicros: 0 }).winner).toBeNull();
    const many = ['a', 'b', 'c', 'd', 'e'].map((id, i) => bid(cpm(id, 1_000_000 * (i + 1)), 0.01));
    const r = runAuction(many, { at: 2, floorCpmMicros: 0 });
    expect(r.scoredAds.map((s) => s['ad.id'])).toEqual(['e', 'd', 'c']);
    expect(runAuction(many, { at: 2, floorCpmMicros: 0, scoredSpans: 1 }).scoredAds).toHaveLength(1);
  });

  it('no-fill reasons carry Prebid codes where they exist', () => {
    expect(noFill('TIMEOUT').code).toBe(101);
    expect(noFill('BELOW_FLOOR').code).toBe(301);
    expect(noFill('FREQUENCY_CAPPED').code).toBeNull();
  });

  it('a request older than tmax has timed out; one without tmax never does', () => {
    expect(isTimedOut(1_000, 100, 1_101)).toBe(true);
    expect(isTimedOut(1_000, 100, 1_100)).toBe(false);
    expect(isTimedOut(1_000, null, 99_999)).toBe(false);
  });
});
