import { AttributionError } from './errors.ts';

/**
 * USD per one unit of each ISO-4217 currency (e.g. { USD: 1, EUR: 1.08 }). Conversion values
 * are reported in the advertiser's currency and credited in USD, the currency of spend.
 */
export type CurrencyRates = Readonly<Record<string, number>>;

export interface UsdValue {
  readonly valueUsdMicros: number;
  readonly originalCurrency: string;
  readonly originalValueMicros: number;
}

/**
 * Converts micros of `currency` to USD micros, rounded half up to a whole micro
 * (the same rule everywhere, so a ground truth computed elsewhere matches to the micro).
 * Throws AttributionError UNKNOWN_CURRENCY for a currency the table lacks, INVALID_VALUE for a
 * negative or non-integer value.
 */
export function toUsdMicros(valueMicros: number, currency: string, rates: CurrencyRates): UsdValue {
  if (!Number.isSafeInteger(valueMicros) || valueMicros < 0) {
    throw new AttributionError(
      'INVALID_VALUE',
      `conversion value must be a non-negative integer of micros, got ${valueMicros}`,
    );
  }
  const code = currency.toUpperCase();
  const rate = Object.hasOwn(rates, code) ? rates[code] : undefined;
  if (rate === undefined)
    throw new AttributionError('UNKNOWN_CURRENCY', `no USD rate for currency ${JSON.stringify(currency)}`);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new AttributionError('INVALID_RATE', `USD rate for ${code} is ${rate}`);
  return { valueUsdMicros: Math.round(valueMicros * rate), originalCurrency: code, originalValueMicros: valueMicros };
}
