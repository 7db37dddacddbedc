import { describe, expect, it } from 'vitest';
import { checkUsdRates, floorToUsdMicros } from './floor-currency.ts';
import { IngestError } from './ingest-error.ts';

const rates = checkUsdRates({ EUR: 1.08, JPY: 0.0067 });

describe('floors in USD', () => {
  it('converts with the configured rate, in micros', () => {
    expect(floorToUsdMicros(1.25, 'USD', rates, 'imp[0].bidfloorcur')).toBe(1_250_000);
    expect(floorToUsdMicros(2, 'EUR', rates, 'imp[0].bidfloorcur')).toBe(2_160_000);
    expect(floorToUsdMicros(150, 'JPY', rates, 'imp[0].bidfloorcur')).toBe(1_005_000);
  });

  it('refuses a currency without a rate, naming the field and the currency', () => {
    try {
      floorToUsdMicros(1, 'CHF', rates, 'imp[1].bidfloorcur');
      expect.unreachable();
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(IngestError);
      expect(error).toMatchObject({
        code: 'UNKNOWN_CURRENCY',
        field: 'imp[1].bidfloorcur',
        reason: 'imp[1].bidfloorcur CHF has no USD rate configured',
      });
    }
  });

  it('needs no rate for a zero floor', () => {
    expect(floorToUsdMicros(0, 'CHF', rates, 'imp[0].bidfloorcur')).toBe(0);
  });

  it('refuses a bad rate table at start-up', () => {
    expect(() => checkUsdRates({ eur: 1 })).toThrow(/ISO-4217/);
    expect(() => checkUsdRates({ EUR: 0 })).toThrow(/positive/);
    expect(() => checkUsdRates({ EUR: Number.NaN })).toThrow(/positive/);
  });
});
