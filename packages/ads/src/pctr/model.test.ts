import { describe, expect, it } from 'vitest';
import { buildAdIndex } from '../ad-index.ts';
import { seededRandom } from '../random.ts';
import { ad, campaign } from '../test-fixtures.ts';
import { adHashes, contextHashes, FEATURE_SET, featureCount, featureIndices, type PctrContext } from './features.ts';
import { FtrlProximal } from './ftrl.ts';
import { loadPctrModel, MODEL_FORMAT, predictCtr, toModelFile } from './model.ts';

const ctx: PctrContext = {
  platform: 'site',
  placement: 'news.example.com',
  deviceType: 4,
  os: 'ios',
  country: 'GBR',
  pos: 1,
  ageBracket: 'AGE_25_34',
  interests: ['IAB20'],
};

describe('pCTR model file', () => {
  it('round-trips through its file format', () => {
    const weights = new Float32Array(256);
    weights[3] = 0.5;
    weights[200] = -1.25;
    const file = toModelFile('m-1', 8, weights, { note: 'test' });
    expect(file).toMatchObject({
      format: MODEL_FORMAT,
      featureSet: FEATURE_SET,
      indices: [3, 200],
      weights: [0.5, -1.25],
    });
    const model = loadPctrModel(JSON.parse(JSON.stringify(file)));
    expect(model.modelVersion).toBe('m-1');
    expect(Array.from(model.weights)).toEqual(Array.from(weights));
  });

  it('refuses a file it cannot use, naming the problem', () => {
    const file = toModelFile('m-1', 8, new Float32Array(256), {});
    expect(() => loadPctrModel({ ...file, featureSet: 'other' })).toThrow(/feature set other/);
    expect(() => loadPctrModel({ ...file, modelVersion: '' })).toThrow(/modelVersion/);
    expect(() => loadPctrModel({ ...file, indices: [999], weights: [1] })).toThrow(/bad weight/);
    expect(() => loadPctrModel({ ...file, format: 'x' })).toThrow(/format/);
  });

  it('an all-zero model predicts 0.5; features of context × ad hash into the model', () => {
    const model = loadPctrModel(toModelFile('zero', 12, new Float32Array(4096), {}));
    const entry = buildAdIndex([campaign('c', [ad('a')])]).ads[0]!;
    const hashes = adHashes(entry.ad, entry.campaign);
    expect(predictCtr(model, contextHashes(ctx), hashes, 0.3)).toBe(0.5);
    const out = new Uint32Array(featureCount(contextHashes(ctx), hashes));
    expect(featureIndices(contextHashes(ctx), hashes, 0.3, 4095, out)).toBe(out.length);
  });
});

describe('FTRL-Proximal', () => {
  it('learns two click rates of two features from clicks alone', () => {
    const learner = new FtrlProximal(16, { alpha: 0.1, beta: 1, l1: 0, l2: 0 });
    const random = seededRandom(1);
    const [a, b] = [Uint32Array.of(0, 1), Uint32Array.of(0, 2)]; // feature 0 is the bias
    for (let i = 0; i < 60_000; i++) {
      learner.update(a, 2, random() < 0.02);
      learner.update(b, 2, random() < 0.1);
    }
    expect(learner.predict(a, 2)).toBeGreaterThan(0.015);
    expect(learner.predict(a, 2)).toBeLessThan(0.025);
    expect(learner.predict(b, 2)).toBeGreaterThan(0.085);
    expect(learner.predict(b, 2)).toBeLessThan(0.115);
  });

  it('L1 keeps rare, useless coordinates at exactly zero', () => {
    const learner = new FtrlProximal(8, { alpha: 0.1, beta: 1, l1: 5, l2: 1 });
    learner.update(Uint32Array.of(3), 1, false);
    expect(learner.weight(3)).toBe(0);
  });
});
