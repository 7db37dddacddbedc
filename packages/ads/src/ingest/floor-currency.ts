import { IngestError } from './ingest-error.ts';

/**
 * Exchange rates ingest converts floors with: US dollars per one unit of each currency
 * (`{ EUR: 1.08, GBP: 1.27 }`), from configuration. USD is always 1.
 */
export type UsdRates = Readonly<Record<string, number>>;

/** Checks a rate table at start-up: ISO codes, positive finite rates. */
export function checkUsdRates(rates: UsdRates): UsdRates {
  for (const [code, rate] of Object.entries(rates)) {
    if (!/^[A-Z]{3}$/.test(code)) throw new Error(`USD rate table: ${JSON.stringify(code)} is not an ISO-4217 code`);
    if (!(Number.isFinite(rate) && rate > 0))
      throw new Error(`USD rate table: the rate of ${code} must be a positive number`);
  }
  return rates;
}

/**
 * A rate table as configured: `EUR=1.08,GBP=1.27` (US dollars per unit; USD is always 1), checked
 * as `checkUsdRates` does. Throws an Error saying what is wrong; the caller names its variable.
 */
export function parseUsdRates(text: string | undefined): UsdRates {
  const rates: Record<string, number> = { USD: 1 };
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [code, rate, ...rest] = part.split('=').map((s) => s.trim());
    if (!code || rate === undefined || rest.length > 0 || !/^\d+(\.\d+)?$/.test(rate)) {
      throw new Error(`expected CODE=rate[,CODE=rate…] (USD per unit), got ${JSON.stringify(part)}`);
    }
    rates[code.toUpperCase()] = Number(rate);
  }
  return checkUsdRates(rates);
}

/**
 * A floor CPM in `currency` as USD micros (the pipeline runs in USD). A currency without a
 * rate is refused: a floor we cannot price would let ads win below what the publisher asked.
 * A zero floor is zero in any currency.
 */
export function floorToUsdMicros(bidfloor: number, currency: string, rates: UsdRates, field: string): number {
  if (bidfloor === 0) return 0;
  const rate = currency === 'USD' ? 1 : rates[currency];
  if (rate === undefined)
    throw new IngestError('UNKNOWN_CURRENCY', field, `${field} ${currency} has no USD rate configured`);
  return Math.round(bidfloor * rate * 1_000_000);
}
