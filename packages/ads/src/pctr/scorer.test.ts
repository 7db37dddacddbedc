import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from '../ad-index.ts';
import { generateDemoCatalog } from '../demo/catalog.ts';
import { SHIPPED_PCTR_MODEL_URL } from '../demo/files.ts';
import { seededRandom } from '../random.ts';
import { adHashes, contextHashes, type PctrContext } from './features.ts';
import { loadPctrModel, predictCtr } from './model.ts';
import { impScorer } from './scorer.ts';

const model = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
const index = buildAdIndex(generateDemoCatalog());
const pick = <V>(r: () => number, xs: readonly V[]): V => xs[Math.floor(r() * xs.length)]!;

function contextOf(r: () => number): PctrContext {
  return {
    platform: pick(r, ['site', 'app', 'unknown'] as const),
    placement: pick(r, ['news.example.com', 'com.example.game', 'sports.example.org', '']),
    deviceType: pick(r, [1, 2, 3, 4, 5]),
    os: pick(r, ['ios', 'android', '']),
    country: pick(r, ['USA', 'GBR', 'DEU', '']),
    pos: pick(r, [0, 1, 3]),
    ageBracket: pick(r, ['AGE_18_24', 'AGE_25_34', 'AGE_65_PLUS', 'UNKNOWN'] as const),
    interests: Array.from({ length: Math.floor(r() * 5) }, () => pick(r, ['IAB1', 'IAB17-44', 'IAB20', 'IAB8-5'])),
  };
}

describe('impScorer', () => {
  it('gives predictCtr’s pCTR to the bit for every ad of the demo index in varied contexts', () => {
    const r = seededRandom(7);
    let compared = 0;
    for (let c = 0; c < 40; c++) {
      const ctx = contextHashes(contextOf(r));
      const score = impScorer(model, index, ctx);
      for (const { ad, campaign, slot } of index.ads) {
        const similarity = r() * 1.2 - 0.2;
        // Twice: the second call reads the crosses the first one cached for this imp.
        for (let rep = 0; rep < 2; rep++) {
          const got = score(slot, similarity);
          const want = predictCtr(model, ctx, adHashes(ad, campaign), similarity);
          if (got !== want) expect.fail(`ad ${ad.id}: ${got} ≠ ${want}`);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100_000);
  });
});
