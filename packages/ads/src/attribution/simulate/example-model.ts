import type { SimModel } from './model.ts';

/**
 * A small ground truth that exercises every path in minutes of event time: short attribution
 * windows (10 min click, 3 min view) so that out-of-window conversions happen within a test,
 * CPM and CPC campaigns, CTR per context, EUR values, and every fault. A default for
 * `adtrace load` as well; its windows must match the pipeline's configuration.
 */
export function exampleModel(seed: number, overrides: Partial<SimModel> = {}): SimModel {
  return {
    seed,
    campaigns: [
      {
        campaignId: 'camp-a',
        bidType: 'CPM',
        priceMicros: 2_500,
        clickPriceMicros: 0,
        ctr: { web: 0.04, app: 0.08, default: 0.05 },
        clickConversionRate: 0.3,
        viewConversionRate: 0.02,
        value: { kind: 'uniform', minMicros: 1_000_000, maxMicros: 50_000_000 },
        currency: 'USD',
      },
      {
        campaignId: 'camp-b',
        bidType: 'CPC',
        priceMicros: 0,
        clickPriceMicros: 400_000,
        ctr: 0.06,
        clickConversionRate: 0.2,
        viewConversionRate: 0.01,
        value: { kind: 'lognormal', medianMicros: 20_000_000, sigma: 0.8 },
        currency: 'EUR',
      },
      {
        campaignId: 'camp-c',
        bidType: 'CPM',
        priceMicros: 1_200,
        clickPriceMicros: 0,
        ctr: { web: 0.02, app: 0.03 },
        clickConversionRate: 0.25,
        viewConversionRate: 0.015,
        value: { kind: 'uniform', minMicros: 500_000, maxMicros: 5_000_000 },
        currency: 'GBP',
      },
    ],
    modelVersions: [
      { version: 'ctr-v1', bias: 1 },
      { version: 'ctr-v2', bias: 1.3 },
    ],
    drift: null,
    rates: { USD: 1, EUR: 1.0834, GBP: 1.2611 },
    windows: {
      windowMs: 60_000,
      graceMs: 300_000,
      clickWindowMs: 600_000,
      viewWindowMs: 180_000,
      tokenTtlMs: 1_200_000,
    },
    delays: { clickMaxMs: 120_000, conversionMaxMs: 300_000, deliveryMaxMs: 2_000 },
    faults: {
      lateWithinGrace: 0.1,
      lateBeyondGrace: 0.05,
      duplicate: 0.1,
      forged: 0.01,
      expired: 0.05,
      outOfWindow: 0.1,
      organic: 0.005,
    },
    ...overrides,
  };
}
