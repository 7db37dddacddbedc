import { describe, expect, it } from 'vitest';
import { kafkaMessageBytes } from './message-bytes.ts';

describe('kafkaMessageBytes', () => {
  it('counts key, value, header names and values (UTF-8 bytes)', () => {
    expect(
      kafkaMessageBytes({
        key: 'k',
        value: Buffer.alloc(10),
        headers: { traceparent: 'é', multi: ['ab', Buffer.alloc(3)] },
      }),
    ).toBe(1 + 10 + 'traceparent'.length + 2 + 'multi'.length + 2 + 3);
    expect(kafkaMessageBytes({ value: null })).toBe(0);
  });
});
