import type { AttributedEvent } from '@adtrace/schemas';
import { RejectedError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { checkConversionValue } from './attribute-events.ts';

const conversion = (originalCurrency: string, originalValueMicros = 1_000_000) =>
  ({ kind: 'CONVERSION', originalCurrency, originalValueMicros }) as AttributedEvent;

describe('a conversion’s value, checked when it comes (before it may wait)', () => {
  it('refuses an unknown currency or a bad value as the conversion’s own dead letter', () => {
    const rates = { USD: 1, EUR: 1.08 };
    expect(() => checkConversionValue(conversion('EUR'), rates)).not.toThrow();
    const unknown = (() => {
      try {
        checkConversionValue(conversion('XYZ'), rates);
      } catch (error) {
        return error;
      }
    })();
    expect(unknown).toBeInstanceOf(RejectedError);
    expect((unknown as RejectedError).code).toBe('UNKNOWN_CURRENCY');
    expect(() => checkConversionValue(conversion('USD', -1), rates)).toThrow(RejectedError);
    expect(() => checkConversionValue({ kind: 'CLICK' } as AttributedEvent, rates)).not.toThrow();
  });
});
