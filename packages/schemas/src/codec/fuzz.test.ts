import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { currentSchemas } from '../generated/schemas.ts';
import { type RecordName, RecordNames } from '../generated/types.ts';
import { exampleRecords } from '../testing/index.ts';
import { CodecError } from './codec-error.ts';
import { createCodec } from './record-codecs.ts';
import { createSchemaCodec } from './schema-codec.ts';

// mulberry32: a tiny seeded PRNG, so that a failing input can be reproduced from the seed.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (bytes: Buffer, rand: () => number) => Buffer;
const pick = (rand: () => number, n: number): number => Math.floor(rand() * n);

const mutations: readonly Mutation[] = [
  (b, r) => b.subarray(0, pick(r, b.length)), // truncate
  (b, r) => Buffer.concat([b, Buffer.from([pick(r, 256)])]), // trailing byte
  (b, r) => {
    const out = Buffer.from(b);
    for (let i = 0, n = 1 + pick(r, 4); i < n; i++) out[pick(r, out.length)] = pick(r, 256);
    return out;
  },
  (b, r) => {
    // A run of continuation bytes makes a huge varint: counts, lengths, indexes.
    const out = Buffer.from(b);
    const at = 10 + pick(r, Math.max(1, out.length - 10));
    for (let i = at; i < Math.min(out.length, at + 1 + pick(r, 9)); i++) out[i] = 0xff;
    return out;
  },
  (b, r) => {
    const at = pick(r, b.length);
    return Buffer.concat([b.subarray(0, at), Buffer.from([pick(r, 256), pick(r, 256)]), b.subarray(at)]);
  },
  (b, r) => {
    const at = pick(r, b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + pick(r, 8))]);
  },
];

function randomBytes(rand: () => number, header: Buffer): Buffer {
  const body = Buffer.from(Array.from({ length: pick(rand, 300) }, () => pick(rand, 256)));
  // Half of the inputs carry a valid header, so that the body decoder itself gets fuzzed.
  return rand() < 0.5 ? Buffer.concat([header, body]) : body;
}

const names = Object.keys(RecordNames) as RecordName[];

describe('decoding untrusted bytes', () => {
  it.each(names)('%s: random and mutated inputs only ever throw CodecError', (name) => {
    const seed = 0xad7ace + names.indexOf(name);
    const rand = prng(seed);
    const codec = createCodec(name, { maxBytes: 64 * 1024 });
    const type = avro.Type.forSchema(currentSchemas[name] as avro.Schema, { wrapUnions: 'never' });
    const valid = codec.encode(exampleRecords[name] as never);
    const header = valid.subarray(0, 10);
    const codes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const input = i % 3 === 0 ? randomBytes(rand, header) : mutations[pick(rand, mutations.length)]!(valid, rand);
      try {
        const value = codec.decode(input);
        // Whatever decodes is a valid record: the types promise it.
        expect(type.isValid(value), `seed ${seed}, input ${i}: ${input.toString('hex')}`).toBe(true);
        codes.set('OK', (codes.get('OK') ?? 0) + 1);
      } catch (error: unknown) {
        if (!(error instanceof CodecError)) {
          throw new Error(`seed ${seed}, input ${i} (${input.toString('hex')}) threw ${String(error)}`);
        }
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
    }
    // The fuzzer reaches the body decoder, not only the header checks.
    expect(codes.get('TRUNCATED') ?? 0).toBeGreaterThan(0);
    expect((codes.get('INVALID_BODY') ?? 0) + (codes.get('OK') ?? 0)).toBeGreaterThan(0);
  });

  it('names each failure with its code', () => {
    const codec = createCodec(RecordNames.Impression, { maxBytes: 1000 });
    const valid = codec.encode(exampleRecords.Impression);
    const unknownFingerprint = Buffer.from(valid);
    unknownFingerprint[5] = unknownFingerprint[5]! ^ 0xff;
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'TRUNCATED'],
      [valid.subarray(0, 6), 'TRUNCATED'],
      [valid.subarray(0, valid.length - 3), 'TRUNCATED'],
      [Buffer.from([0x7b, 0x22]), 'BAD_MAGIC'],
      [Buffer.from([0xc3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8]), 'BAD_MAGIC'],
      [unknownFingerprint, 'UNKNOWN_SCHEMA'],
      [Buffer.from([0, 0, 0, 0, 7, 2]), 'UNKNOWN_SCHEMA'],
      [Buffer.alloc(1001, 0xc3), 'TOO_LARGE'],
      [Buffer.concat([valid, Buffer.from([0])]), 'INVALID_BODY'],
    ];
    for (const [input, code] of cases) {
      expect(() => codec.decode(input), input.toString('hex')).toThrow(expect.objectContaining({ code }));
    }
  });

  it('rejects an int outside 32 bits, which avsc would return as is', () => {
    const codec = createSchemaCodec<{ n: number }>({ type: 'record', name: 'I', fields: [{ name: 'n', type: 'int' }] });
    const header = codec.encode({ n: 1 }).subarray(0, 10);
    const big = Buffer.concat([header, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x20])]); // zigzag 2^34
    expect(() => codec.decode(big)).toThrow(expect.objectContaining({ code: 'INVALID_BODY' }));
    expect(codec.decode(Buffer.concat([header, Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f])]))).toEqual({
      n: 2 ** 31 - 1,
    });
  });

  it('rejects a block count larger than the bytes left without looping', () => {
    const codec = createCodec(RecordNames.UserSegments);
    const valid = codec.encode({ ...exampleRecords.UserSegments, segments: ['a'] });
    // userKey is first: header, length varint, key; then the segments count (1 → zigzag 0x02).
    const at = 10 + 1 + exampleRecords.UserSegments.userKey.length;
    expect(valid[at]).toBe(0x02);
    const hostile = Buffer.concat([
      valid.subarray(0, at),
      Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]),
      valid.subarray(at + 1),
    ]);
    expect(() => codec.decode(hostile)).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
  });
});
