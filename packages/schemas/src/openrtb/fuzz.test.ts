import { describe, expect, it } from 'vitest';
import { exampleOpenRtbRequest } from '../testing/index.ts';
import { parseOpenRtbBidRequest } from './parse-bid-request.ts';
import { ValidationError } from './validation-error.ts';

// Seeded (mulberry32) so that a failure reproduces from the printed seed and index.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: readonly unknown[] = [null, 0, -1, 1.5, '', 'x', [], {}, true, [1, 'a'], { id: 7 }, '__proto__', 1e308];

// Replaces one value anywhere in the tree by a value of another type.
function mutate(value: unknown, rand: () => number): unknown {
  if (rand() < 0.15) return WEIRD[Math.floor(rand() * WEIRD.length)];
  if (Array.isArray(value)) return value.map((v) => (rand() < 0.5 ? mutate(v, rand) : v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (rand() > 0.05) out[k] = rand() < 0.5 ? mutate(v, rand) : v;
    return out;
  }
  return value;
}

describe('parsing untrusted OpenRTB JSON', () => {
  it('only ever returns a request or throws ValidationError', () => {
    const seed = 2026;
    const rand = prng(seed);
    const text = JSON.stringify(exampleOpenRtbRequest);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const input =
        i % 2 === 0
          ? JSON.stringify(mutate(exampleOpenRtbRequest, rand))
          : text.slice(0, Math.floor(rand() * text.length)) + text.slice(Math.floor(rand() * text.length));
      try {
        const request = parseOpenRtbBidRequest(input);
        expect(request.imp.length, `seed ${seed} input ${i}`).toBeGreaterThan(0);
        accepted++;
      } catch (error: unknown) {
        if (!(error instanceof ValidationError)) throw new Error(`seed ${seed} input ${i}: ${String(error)}\n${input}`);
        // A refused request says why: INVALID_OPENRTB names each field and rule, and its
        // message leads with the first issue; the other codes are about the bytes as a whole.
        if (error.code === 'INVALID_OPENRTB') {
          expect(error.issues.length, `seed ${seed} input ${i}`).toBeGreaterThan(0);
          expect(error.message).toContain(error.issues[0]!.message);
        } else {
          expect(error.code, `seed ${seed} input ${i}`).toBe(i % 2 === 0 ? 'INVALID_OPENRTB' : 'INVALID_JSON');
          expect(error.issues).toEqual([]);
        }
        rejected++;
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
