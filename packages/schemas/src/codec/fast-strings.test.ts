import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import type { SchemaJson } from '../avro/schema-json.ts';
import { createSchemaCodec } from './schema-codec.ts';

const schema: SchemaJson = { type: 'record', name: 'S', fields: [{ name: 's', type: 'string' }] };
const codec = createSchemaCodec<{ s: string }>(schema);
const plain = avro.Type.forSchema(schema as avro.Schema);

describe('fast string reads and writes', () => {
  const samples = [
    '',
    'a',
    'USD',
    'exactly8',
    'sixteen-chars-ok',
    'seventeen-chars-x',
    'é',
    'café au lait',
    '日本語のテキスト',
    'emoji 🎯 in a short',
    `${'x'.repeat(15)}é`,
    'x'.repeat(300),
  ];

  it.each(samples)('round-trips %j and writes the same bytes as avsc', (s) => {
    const bytes = codec.encode({ s });
    expect(bytes.subarray(10)).toEqual(plain.toBuffer({ s }));
    expect(codec.decode(bytes)).toEqual({ s });
  });

  it('agrees with avsc on random strings of every length up to 40', () => {
    let seed = 11;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = 'abcXYZ019-_./ é日🎯';
    for (let i = 0; i < 2000; i++) {
      const chars = Array.from({ length: Math.floor(rand() * 40) }, () => [...alphabet][Math.floor(rand() * 17)]);
      const s = chars.join('');
      expect(codec.decode(codec.encode({ s }))).toEqual({ s });
      expect(codec.decode(Buffer.concat([codec.encode({ s: '' }).subarray(0, 10), plain.toBuffer({ s })]))).toEqual({
        s,
      });
    }
  });

  it('rejects a string whose length runs past the end', () => {
    const bytes = codec.encode({ s: 'abcdef' });
    expect(() => codec.decode(bytes.subarray(0, bytes.length - 2))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
  });

  it('rejects a non-string value on encode', () => {
    expect(() => codec.encode({ s: 42 as unknown as string })).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });
});
