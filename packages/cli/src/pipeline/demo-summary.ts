// What `adtrace demo` reports, computed from what it sent and what the warehouse holds: pure
// functions, so the rules (when a request is done, when its trace is complete) are tested
// without a pipeline.
import type { NoFillReport, StageReport, TraceStages } from '@adtrace/warehouse';

/** One request the demo sent: its trace, how many imps, whether it was a test request. */
export interface SentRequest {
  readonly traceId: string;
  readonly imps: number;
  readonly test: boolean;
}

/**
 * What one request's trace says happened to it: how far it got, so the demo knows when to stop
 * waiting. (The summary's wins and no-fills are counted from the auction_outcomes table.)
 */
export interface RequestFate {
  readonly decided: number;
  /** ads.auction spans with a no-fill reason: imps that need go no further. */
  readonly noFills: number;
  readonly wins: number;
  readonly deadLettered: boolean;
  /** Every imp has an outcome and every win has gone as far as its outcome implies. */
  readonly done: boolean;
  /** The trace holds a span of every stage the outcome implies. */
  readonly complete: boolean;
}

const has = (t: TraceStages, service: string) => (t.services[service] ?? 0) > 0;

/**
 * A request is done when ingest dead-lettered it, or when the auction decided each of its imps
 * (an `ads.auction` span per imp), delivery served each win (`ads.prepare_creative`), tracking
 * took each served impression (`ads.attribute`) and aggregation applied it (`ads.aggregate.apply`)
 * — except a test request's, which tracking traces but never sends on to aggregation.
 * Complete: ingest, profiling and auction spans for every request that was not dead-lettered;
 * with a win also delivery and tracking, and aggregation unless it is a test request.
 */
export function requestFate(sent: SentRequest, t: TraceStages): RequestFate {
  const decided = t.names['ads.auction'] ?? 0;
  const wins = t.names['ads.prepare_creative'] ?? 0;
  const deadLettered = t.deadLettered > 0 && decided === 0;
  const tracked = t.names['ads.attribute'] ?? 0;
  const applied = t.names['ads.aggregate.apply'] ?? 0;
  const served = decided >= sent.imps && wins >= decided - t.noFills;
  const passed = tracked >= wins && (sent.test || applied >= wins);
  const done = deadLettered || (served && passed);
  const stages = ['ingest', 'profiling', 'auction', ...(wins > 0 ? ['delivery', 'tracking'] : [])];
  if (wins > 0 && !sent.test) stages.push('aggregation');
  const complete = !deadLettered && served && stages.every((s) => has(t, s));
  return { decided, noFills: t.noFills, wins, deadLettered, done, complete };
}

export interface RoasRow {
  readonly campaignId: string;
  readonly windowStartMs: number;
  readonly spendMicros: number;
  readonly revenueMicros: number;
}

export interface DemoSummary {
  readonly requests: number;
  readonly imps: number;
  /** From auction_outcomes, one outcome per imp of the demo's requests: wins + noFills = imps auctioned. */
  readonly wins: number;
  readonly noFills: number;
  /** The auction's reason codes (NoFillReason), count of imps each, most frequent first. */
  readonly noFillReasons: Record<string, number>;
  readonly deadLetters: number;
  readonly completeTraces: number;
  /**
   * Per stage (service): latency, its share of cost — the warehouse's storing of its data included
   * — and `storedShare`, the part of all cost that is the warehouse storing this stage's data.
   */
  readonly stages: Record<
    string,
    { p50Ms: number; p99Ms: number; costShare: number; latencyShare: number; storedShare: number }
  >;
  readonly costPer1kUsd: number;
  readonly roas: { campaignId: string; spendMicros: number; revenueMicros: number; roas: number | null }[];
}

/** The outcomes of several batches of trace ids as one report's counts. */
export function addOutcomes(
  reports: readonly (Pick<NoFillReport, 'outcomes' | 'wins'> & {
    reasons: readonly { reason: string; count: number }[];
  })[],
): Outcomes {
  const reasons = new Map<string, number>();
  for (const r of reports) for (const x of r.reasons) reasons.set(x.reason, (reasons.get(x.reason) ?? 0) + x.count);
  const noFills = [...reasons.values()].reduce((n, c) => n + c, 0);
  return {
    outcomes: reports.reduce((n, r) => n + r.outcomes, 0),
    wins: reports.reduce((n, r) => n + r.wins, 0),
    noFills,
    reasons: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
  };
}

/** The demo's auction outcomes, from the exact table. */
export interface Outcomes {
  readonly outcomes: number;
  readonly wins: number;
  readonly noFills: number;
  readonly reasons: Record<string, number>;
}

/**
 * The summary: wins and no-fills from the auction_outcomes table, dead letters and complete traces
 * from the fates, stages and cost from the warehouse's report, ROAS per campaign over the demo's
 * windows (top 10 by spend).
 */
export function summarize(
  sent: readonly SentRequest[],
  fates: readonly RequestFate[],
  outcomes: Outcomes,
  report: Pick<StageReport, 'stages' | 'costPerEventUsd'>,
  windows: readonly RoasRow[],
  sinceMs: number,
): DemoSummary {
  const totalCost = report.stages.reduce((n, s) => n + s.costUsd, 0);
  const sum = (f: (x: RequestFate) => number) => fates.reduce((n, x) => n + f(x), 0);
  const byCampaign = new Map<string, { spendMicros: number; revenueMicros: number }>();
  for (const w of windows) {
    if (w.windowStartMs + 60_000 <= sinceMs) continue;
    const c = byCampaign.get(w.campaignId) ?? { spendMicros: 0, revenueMicros: 0 };
    c.spendMicros += w.spendMicros;
    c.revenueMicros += w.revenueMicros;
    byCampaign.set(w.campaignId, c);
  }
  return {
    requests: sent.length,
    imps: sent.reduce((n, s) => n + s.imps, 0),
    wins: outcomes.wins,
    noFills: outcomes.noFills,
    noFillReasons: outcomes.reasons,
    deadLetters: sum((f) => (f.deadLettered ? 1 : 0)),
    completeTraces: sum((f) => (f.complete ? 1 : 0)),
    stages: Object.fromEntries(
      report.stages.map((s) => [
        s.stage,
        {
          p50Ms: s.latencyP50Ms,
          p99Ms: s.latencyP99Ms,
          costShare: s.costShare,
          latencyShare: s.latencyShare,
          storedShare: totalCost > 0 ? s.storedUsd / totalCost : 0,
        },
      ]),
    ),
    costPer1kUsd: report.costPerEventUsd * 1000,
    roas: [...byCampaign]
      .map(([campaignId, c]) => ({
        campaignId,
        ...c,
        roas: c.spendMicros > 0 ? c.revenueMicros / c.spendMicros : null,
      }))
      .sort((a, b) => b.spendMicros - a.spendMicros || (a.campaignId < b.campaignId ? -1 : 1))
      .slice(0, 10),
  };
}
