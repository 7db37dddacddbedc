import type { AttributedEvent } from '@adtrace/schemas';

/** The additive numbers of one campaign-window, JSON-able. */
export interface WindowTotals {
  readonly impressions: number;
  readonly clicks: number;
  readonly conversions: number;
  readonly clickThroughConversions: number;
  readonly viewThroughConversions: number;
  readonly spendMicros: number;
  readonly revenueMicros: number;
  readonly clickThroughRevenueMicros: number;
  readonly viewThroughRevenueMicros: number;
  /** Sum of the impressions' pCTR: predictedCtr = pctrSum / impressions. */
  readonly pctrSum: number;
  readonly lateDropped: number;
}

export const EMPTY_TOTALS: WindowTotals = {
  impressions: 0,
  clicks: 0,
  conversions: 0,
  clickThroughConversions: 0,
  viewThroughConversions: 0,
  spendMicros: 0,
  revenueMicros: 0,
  clickThroughRevenueMicros: 0,
  viewThroughRevenueMicros: 0,
  pctrSum: 0,
  lateDropped: 0,
};

/**
 * Adds one (de-duplicated, on-time) event. Spend is the event's cost wherever it occurs: CPM on
 * the impression, CPC on the click, so each counts at its own time.
 */
export function addEvent(t: WindowTotals, e: AttributedEvent): WindowTotals {
  const spendMicros = t.spendMicros + e.costMicros;
  switch (e.kind) {
    case 'IMPRESSION':
      return { ...t, impressions: t.impressions + 1, spendMicros, pctrSum: t.pctrSum + e.pctr };
    case 'CLICK':
      return { ...t, clicks: t.clicks + 1, spendMicros };
    case 'CONVERSION': {
      const viaClick = e.touch === 'CLICK';
      const viaView = e.touch === 'VIEW';
      return {
        ...t,
        spendMicros,
        conversions: t.conversions + 1,
        revenueMicros: t.revenueMicros + e.valueMicros,
        clickThroughConversions: t.clickThroughConversions + (viaClick ? 1 : 0),
        viewThroughConversions: t.viewThroughConversions + (viaView ? 1 : 0),
        clickThroughRevenueMicros: t.clickThroughRevenueMicros + (viaClick ? e.valueMicros : 0),
        viewThroughRevenueMicros: t.viewThroughRevenueMicros + (viaView ? e.valueMicros : 0),
      };
    }
  }
}

/** ROAS = revenue ÷ spend (null while spend is 0); observed CTR = clicks ÷ impressions; predicted = mean pCTR. */
export function ratiosOf(t: WindowTotals): {
  roas: number | null;
  observedCtr: number | null;
  predictedCtr: number | null;
} {
  return {
    roas: t.spendMicros > 0 ? t.revenueMicros / t.spendMicros : null,
    observedCtr: t.impressions > 0 ? t.clicks / t.impressions : null,
    predictedCtr: t.impressions > 0 ? t.pctrSum / t.impressions : null,
  };
}
