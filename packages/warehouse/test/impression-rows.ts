// Impressions for tests of what reads them (segment members): the columns that matter, the rest filled in.
import type { ImpressionRow } from '../src/index.ts';

export interface TestImpression {
  readonly impressionId: string;
  readonly userKey: string | null;
  readonly campaignId: string;
  readonly eventTimeMs: number;
}

export const impressionRows = (rows: readonly TestImpression[]): ImpressionRow[] =>
  rows.map((r) => ({
    ...r,
    eventId: `evt-${r.impressionId}`,
    requestId: 'req',
    impId: '1',
    adId: `${r.campaignId}-ad`,
    creativeId: 'cr',
    bidType: 'cpm',
    priceMicros: 1000,
    clickPriceMicros: 0,
    pctr: 0.01,
    modelVersion: null,
    traceId: null,
  }));
