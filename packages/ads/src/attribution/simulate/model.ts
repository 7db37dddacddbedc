import type { BidType } from '@adtrace/schemas';
import type { CurrencyRates } from '../currency.ts';

/** Conversion values in micros of the campaign's currency. */
export type ValueDistribution =
  | { readonly kind: 'uniform'; readonly minMicros: number; readonly maxMicros: number }
  | { readonly kind: 'lognormal'; readonly medianMicros: number; readonly sigma: number };

export interface SimCampaign {
  readonly campaignId: string;
  readonly bidType: BidType;
  /** CPM campaigns: cost of one impression in micros. */
  readonly priceMicros: number;
  /** CPC campaigns: cost of one click in micros. */
  readonly clickPriceMicros: number;
  /** True CTR, one number or per context (a context missing from the map falls back to `default`). */
  readonly ctr: number | Readonly<Record<string, number>>;
  /** P(conversion | click). */
  readonly clickConversionRate: number;
  /** P(view-through conversion | impression not clicked). */
  readonly viewConversionRate: number;
  readonly value: ValueDistribution;
  /** Currency the advertiser's pixel reports values in. */
  readonly currency: string;
}

/** The ground truth the simulator draws from; JSON-able, so `adtrace load --truth FILE` can write it next to the truth. */
export interface SimModel {
  readonly seed: number;
  readonly campaigns: readonly SimCampaign[];
  /** pCTR model versions; a version's pCTR is the true CTR × bias, so its true calibration is bias (before drift). */
  readonly modelVersions: readonly { readonly version: string; readonly bias: number }[];
  /** From fromMs on, true CTRs are multiplied by ctrFactor (pCTR is not): calibration drifts to bias ÷ ctrFactor. */
  readonly drift: { readonly fromMs: number; readonly ctrFactor: number } | null;
  readonly rates: CurrencyRates;
  /** The windows the pipeline under test uses; the truth depends on them. */
  readonly windows: {
    readonly windowMs: number;
    readonly graceMs: number;
    readonly clickWindowMs: number;
    readonly viewWindowMs: number;
    readonly tokenTtlMs: number;
    /**
     * Margin kept around the grace bound so that "within" and "beyond" never depend on watermark
     * jitter (default LATENESS_MARGIN_MS; a pipeline on second-long windows needs seconds).
     */
    readonly latenessMarginMs?: number;
  };
  readonly delays: {
    /** Click after impression: uniform in [1 s, clickMaxMs]. */
    readonly clickMaxMs: number;
    /** Conversion after its touch, within the touch's window. */
    readonly conversionMaxMs: number;
    /** Normal delivery delay: uniform in [0, deliveryMaxMs]. */
    readonly deliveryMaxMs: number;
  };
  /** Probabilities of the faults a real tracker sees. */
  readonly faults: {
    /** A click or conversion delivered late but within grace (delay < grace). */
    readonly lateWithinGrace: number;
    /** Delivered after its window's grace (delay ≥ window + grace + 60 s): counted in lateDropped. */
    readonly lateBeyondGrace: number;
    /** Delivered twice (the copy later than the original). */
    readonly duplicate: number;
    /** Per impression: an extra click with a token nobody signed. */
    readonly forged: number;
    /** Per click: presented after the token expired (so rejected, and no touch). */
    readonly expired: number;
    /** Per conversion: it happens after every window of its touch. */
    readonly outOfWindow: number;
    /** Per impression: a conversion of a user who never saw an ad. */
    readonly organic: number;
  };
}

/** Margin the simulator keeps around the grace bound so that "within" and "beyond" never depend on watermark jitter. */
export const LATENESS_MARGIN_MS = 60_000;

export function latenessMarginOf(model: SimModel): number {
  return model.windows.latenessMarginMs ?? LATENESS_MARGIN_MS;
}

export function trueCtr(campaign: SimCampaign, context: string): number {
  if (typeof campaign.ctr === 'number') return campaign.ctr;
  return campaign.ctr[context] ?? campaign.ctr.default ?? 0;
}
