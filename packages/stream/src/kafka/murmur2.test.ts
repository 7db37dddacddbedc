import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { murmur2 as platformaticMurmur2 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { keyPartition, murmur2 } from './murmur2.ts';

const require = createRequire(import.meta.url);
/** kafkajs's own (stock, Long arithmetic), checked by kafkajs against the Java client. */
const kafkajsMurmur2: (
  key: string | Buffer,
) => number = require('kafkajs/src/producer/partitioners/default/murmur2.js');

describe('murmur2, as the Java client hashes keys', () => {
  it("gives the Java client's values (Kafka's UtilsTest)", () => {
    const cases: [string | Uint8Array, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      [Uint8Array.from([97, 98, 99]), 479470107],
    ];
    for (const [key, expected] of cases) expect(murmur2(key), String(key)).toBe(expected);
  });

  it('agrees with kafkajs and @platformatic/kafka on every length, ASCII, UTF-8 and raw bytes', () => {
    const keys: (string | Buffer)[] = [''];
    for (let length = 1; length < 70; length++) {
      keys.push(randomBytes(length), randomBytes(length).toString('hex').slice(0, length));
      keys.push(`é${'x'.repeat(length)}€🙂`.slice(0, length + 1));
    }
    for (const key of keys) {
      const bytes = typeof key === 'string' ? Buffer.from(key) : key;
      expect(murmur2(key), JSON.stringify(key)).toBe(kafkajsMurmur2(key));
      expect(murmur2(key), JSON.stringify(key)).toBe(platformaticMurmur2(bytes));
    }
  });

  it('chooses the positive hash modulo the partition count', () => {
    expect(keyPartition('foobar', 3)).toBe((-790332482 & 0x7fffffff) % 3);
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(12).toString('base64');
      expect(keyPartition(key, 7)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 7);
    }
  });
});
