import { describe, expect, it } from 'vitest';
import { buildAdIndex } from './ad-index.ts';
import { prepareRequestTargeting, selectCandidates } from './candidates.ts';
import { dot, EMBEDDING_DIM, interestVector, normalize } from './embedding.ts';
import { gaussian, seededRandom } from './random.ts';
import { ad, bannerImp, campaign, NOW, noTargeting, profile, request, videoImp } from './test-fixtures.ts';
import { TopK } from './top-k.ts';

const travel = campaign('travel', [ad('t1'), ad('t2', { embedding: interestVector('IAB20-3') })], {
  targeting: { ...noTargeting, segments: ['seg-high-intent-travel'] },
});
const autos = campaign('autos', [ad('a1', { embedding: interestVector('IAB2') })]);
const video = campaign('video', [ad('v1', {}, { format: 'VIDEO', w: 640, h: 360 })]);
const usa = campaign('usa', [ad('u1')], { targeting: { ...noTargeting, countries: ['USA'] } });
const index = buildAdIndex([travel, autos, video, usa]);

function select(imp = bannerImp, k = 10, p = profile) {
  return selectCandidates(index, imp, prepareRequestTargeting(index, request(), p, NOW), k);
}

describe('candidate selection', () => {
  it('scans once for the imps of a request that offer the same formats, again for other formats or k', () => {
    const targeting = prepareRequestTargeting(index, request(), profile, NOW);
    const first = selectCandidates(index, bannerImp, targeting, 10);
    expect(selectCandidates(index, { ...bannerImp, id: '2' }, targeting, 10)).toBe(first);
    expect(selectCandidates(index, videoImp, targeting, 10).candidates.map((c) => c.entry.ad.id)).toEqual(['v1']);
    expect(selectCandidates(index, bannerImp, targeting, 1).candidates).toHaveLength(1);
    // Another request's targeting starts afresh.
    const other = selectCandidates(index, bannerImp, prepareRequestTargeting(index, request(), profile, NOW), 10);
    expect(other).not.toBe(first);
    expect(other).toEqual(first);
  });

  it('keeps only ads that fit the imp and pass targeting, nearest to the user first', () => {
    const { candidates, attributes } = select();
    expect(candidates.map((c) => c.entry.ad.id)).toEqual(['t1', 't2', 'a1']);
    expect(attributes).toMatchObject({
      'candidates.total': 3,
      'candidates.segments_matched': 2,
      'candidates.format_matched': 4, // t1, t2, a1, u1 are 300×250 banners
      'candidates.targeting_matched': 3, // u1 targets the USA, the request is from GBR
      'candidates.query': 'user',
    });
    expect(candidates[0]!.similarity).toBeCloseTo(1, 5);
  });

  it('a video imp gets only video ads; k bounds the answer', () => {
    expect(select(videoImp).candidates.map((c) => c.entry.ad.id)).toEqual(['v1']);
    expect(select(bannerImp, 1).candidates.map((c) => c.entry.ad.id)).toEqual(['t1']);
  });

  it('an unknown user is matched on the page categories instead', () => {
    const anonymous = { ...profile, segments: [], interests: [], embedding: [] };
    const { candidates, attributes } = select(bannerImp, 10, anonymous);
    expect(attributes['candidates.query']).toBe('context');
    expect(candidates.map((c) => c.entry.ad.id)).toEqual(['a1']); // travel needs its segment
  });

  it('exact top-k equals a full sort of all similarities (recall@10 = 1)', () => {
    const random = seededRandom(7);
    const vec = () => normalize(Array.from({ length: EMBEDDING_DIM }, () => gaussian(random)));
    const ads = Array.from({ length: 500 }, (_, i) => ad(`r${i}`, { embedding: vec() }));
    const big = buildAdIndex([campaign('big', ads)]);
    const user = { ...profile, embedding: vec() };
    const got = selectCandidates(big, bannerImp, prepareRequestTargeting(big, request(), user, NOW), 10);
    const expected = ads
      .map((a) => ({ id: a.id, s: dot(normalize(a.embedding), user.embedding) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 10)
      .map((a) => a.id);
    expect(got.candidates.map((c) => c.entry.ad.id)).toEqual(expected);
  });
});

describe('TopK', () => {
  it('keeps the k best, ties by the smaller slot', () => {
    const top = new TopK(3);
    for (const [slot, s] of [0.1, 0.9, 0.5, 0.9, 0.2, 0.7].entries()) top.offer(slot, s);
    expect(top.sorted().map((x) => x.slot)).toEqual([1, 3, 5]);
  });
});
