// The numbers of the live view beyond "who is up": per stage, the records it wrote per second
// and its consumer lag; dead letters; and from the warehouse, the no-fill rate of the last 5
// minutes (its auction_outcomes table: one outcome per imp, the one count of no-fills
// everything shows), p50/p99 per stage, cost per 1,000 events, and ROAS of the top campaigns:
// provisional over the last 5 minutes of attributed events, and from the windows aggregation
// has closed. Each part that cannot be read says so and the rest is still shown.
//
// Rates and dead letters are records read committed (record-counter.ts), not end offsets: in
// the exactly-once pipeline each transaction also writes a commit marker per partition, which
// doubled ingest's rate. Lag is still offsets (end minus committed), which is 0 when caught up.
import { Topics } from '@adtrace/schemas';
import type { Admin } from 'kafkajs';
import { ms, usd } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';
import type { CountedTopics } from './record-counter.ts';

/** The topic names the view reads: the pipeline's, or a test's own. */
export type PipelineTopics = { readonly [K in keyof typeof Topics]: string };

interface Stage {
  readonly name: string;
  /** The consumer groups and input topics its lag is measured on. */
  readonly groups: readonly (readonly [group: string, inputs: readonly string[]])[];
  /** The topics it writes (its dead letters are counted apart). */
  readonly outputs: readonly string[];
}

function stages(t: PipelineTopics): readonly Stage[] {
  return [
    { name: 'ingest', groups: [['ingest', [t.bidRequestsRaw]]], outputs: [t.bidRequests] },
    { name: 'profiling', groups: [['profiling', [t.bidRequests]]], outputs: [t.profiledRequests] },
    { name: 'auction', groups: [['auction', [t.profiledRequests]]], outputs: [t.auctionOutcomes] },
    { name: 'delivery', groups: [['delivery', [t.auctionOutcomes]]], outputs: [t.impressions] },
    {
      name: 'tracking',
      groups: [
        ['tracking', [t.impressions]],
        ['tracking-rekey', [t.userEventsRaw]],
      ],
      outputs: [t.attributedEvents],
    },
    // Its windows only when they close; its campaign spend on every chunk; late events.
    {
      name: 'aggregation',
      groups: [['aggregation', [t.attributedEvents]]],
      outputs: [t.roas, t.campaignSpend, t.lateEvents],
    },
  ];
}

/** What the record counter reads for the view: what the stages write from now on, every dead letter. */
export function countedTopics(t: PipelineTopics = Topics): CountedTopics {
  return {
    fromNow: [t.bidRequestsRaw, ...stages(t).flatMap((s) => s.outputs)],
    fromBeginning: [t.deadLetters, t.deadLettersRaw],
  };
}

export type Counts = ReadonlyMap<string, number>;

/** One tick's readings: records counted per topic (read committed) and end offsets (for lag). */
export interface Reading {
  readonly at: number;
  readonly records: Counts;
  /** When `records` were brought up to date (the record counter's `asOf`): what rates divide by. */
  readonly recordsAt: number;
  readonly ends: Counts;
}

/** Consumer lag of a group on its input topics: end offsets minus committed offsets, summed. */
async function lag(admin: Admin, group: string, topics: readonly string[], ends: Counts): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
  let behind = 0;
  for (const t of committed) {
    const done = t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    behind += Math.max(0, (ends.get(t.topic) ?? 0) - done);
  }
  return behind;
}

export interface CostJson {
  costPerEventUsd: number;
  events: number;
  /** `queryUsd`: what the stage's warehouse queries cost over the range (the warehouse's: its query API). */
  stages: { stage: string; latencyP50Ms: number; latencyP99Ms: number; queryUsd?: number }[];
}
export interface NoFillJson {
  outcomes: number;
  noFillRate: number;
}
export interface RoasJson {
  windows: { campaignId: string; spendMicros: number; revenueMicros: number }[];
}
export interface CampaignTotalsJson {
  campaigns: { campaignId: string; spendMicros: number; revenueMicros: number }[];
}

/** The period the provisional ROAS, the no-fill rate and the cost are over. */
const RECENT_MS = 5 * 60_000;

/** Lines for one tick: `now` and `last` (an interval ago) give the rates. */
export async function pipelineLines(
  admin: Admin,
  now: Reading,
  last: Reading | undefined,
  topics: PipelineTopics = Topics,
): Promise<string[]> {
  const rate = (names: readonly string[]) => {
    if (!last || now.recordsAt <= last.recordsAt) return 0;
    const grown = names.reduce((n, t) => n + (now.records.get(t) ?? 0) - (last.records.get(t) ?? 0), 0);
    return (grown * 1000) / (now.recordsAt - last.recordsAt);
  };
  const sinceMs = Math.max(0, now.at - RECENT_MS);
  const [cost, noFill, closed, live] = await Promise.all([
    getJson<CostJson>('cost', { sinceMs }).catch(() => undefined),
    getJson<NoFillJson>('no-fill', { sinceMs }).catch(() => undefined),
    getJson<RoasJson>('roas', { limit: 200 }).catch(() => undefined),
    getJson<CampaignTotalsJson>('campaign-totals', { sinceMs, limit: 3 }).catch(() => undefined),
  ]);
  const latency = new Map(cost?.stages.map((s) => [s.stage, s]) ?? []);
  const lines = await Promise.all(
    stages(topics).map(async (s) => {
      const behind = await Promise.all(s.groups.map(([g, inputs]) => lag(admin, g, inputs, now.ends))).then(
        (l) => String(l.reduce((a, b) => a + b, 0)),
        () => '?',
      );
      const l = latency.get(s.name);
      const p = l ? `${ms(l.latencyP50Ms)}/${ms(l.latencyP99Ms)}` : '–';
      return `  ${s.name.padEnd(11)} ${rate(s.outputs).toFixed(1).padStart(7)}/s  lag ${behind.padStart(6)}  p50/p99 ${p}`;
    }),
  );
  const dead = (now.records.get(topics.deadLetters) ?? 0) + (now.records.get(topics.deadLettersRaw) ?? 0);
  return [
    `  requests in ${rate([topics.bidRequestsRaw]).toFixed(1)}/s | no-fill ${noFillText(noFill)} | dead letters ${dead} | cost per 1,000 events ${costText(cost)}`,
    ...lines,
    ...roasLines(live, closed),
  ];
}

/**
 * The pipeline's cost per 1,000 events, and apart what the warehouse's query API cost over the
 * same range, shared by those events in the report: this view asks for the cost every 5 s, each
 * ask priced as the scan it is (a BigQuery-like model, @adtrace/warehouse "Query cost"), so the
 * figure was mostly the view's own asking — 93 % of it after a day's runs on this machine's
 * warehouse, and growing with the table.
 */
export function costText(cost: CostJson | undefined): string {
  if (!cost || cost.events <= 0) return '–';
  const queriesPer1k = ((cost.stages.find((s) => s.stage === 'warehouse')?.queryUsd ?? 0) / cost.events) * 1000;
  const pipeline = usd(cost.costPerEventUsd * 1000 - queriesPer1k);
  return queriesPer1k > 0
    ? `${pipeline} + ${usd(queriesPer1k)} of warehouse queries (this view's among them)`
    : pipeline;
}

/** The exact table's rate over the last 5 minutes, of imps auctioned. */
export function noFillText(report: NoFillJson | undefined): string {
  if (!report) return '– (warehouse unreachable)';
  if (report.outcomes === 0) return '– (no auctions yet)';
  return `${(report.noFillRate * 100).toFixed(1)} % of ${report.outcomes} imps`;
}

/**
 * Two lines: the provisional ROAS of the top campaigns by spend over the last 5 minutes of
 * attributed events (moves from the first impressions on; a window is counted only once it
 * closes), and that of the closed windows aggregation has emitted (`adtrace.roas`).
 */
export function roasLines(live: CampaignTotalsJson | undefined, closed: RoasJson | undefined): string[] {
  const unreachable = 'warehouse unreachable';
  const now = live ? campaignFigures(live.campaigns) || 'no spend yet' : unreachable;
  const windows = closed ? campaignFigures(byCampaign(closed.windows)) || 'no window with spend yet' : unreachable;
  return [
    `  ROAS last 5 min, provisional (attributed events, top 3 by spend): ${now}`,
    `  ROAS closed windows (adtrace.roas, top 3 by spend): ${windows}`,
  ];
}

function byCampaign(windows: RoasJson['windows']): CampaignTotalsJson['campaigns'] {
  const by = new Map<string, { spendMicros: number; revenueMicros: number }>();
  for (const w of windows) {
    const c = by.get(w.campaignId) ?? { spendMicros: 0, revenueMicros: 0 };
    c.spendMicros += w.spendMicros;
    c.revenueMicros += w.revenueMicros;
    by.set(w.campaignId, c);
  }
  return [...by]
    .map(([campaignId, c]) => ({ campaignId, ...c }))
    .sort((a, b) => b.spendMicros - a.spendMicros || a.campaignId.localeCompare(b.campaignId));
}

/** Micros as dollars, 3 significant digits below $100 (a demo campaign spends cents a minute: never "$0.00"). */
function dollars(micros: number): string {
  const v = micros / 1e6;
  if (v === 0) return '$0';
  return `$${Math.abs(v) >= 100 ? v.toFixed(2) : v.toPrecision(3)}`;
}

/** `cmp-0164 ROAS 0.00 (spent $0.125, revenue $0)`. */
function campaignFigures(campaigns: CampaignTotalsJson['campaigns']): string {
  // A campaign that spent nothing (CPC without a click) is no top campaign by spend.
  return campaigns
    .filter((c) => c.spendMicros > 0)
    .slice(0, 3)
    .map((c) => {
      const roas = (c.revenueMicros / c.spendMicros).toFixed(2);
      return `${c.campaignId} ROAS ${roas} (spent ${dollars(c.spendMicros)}, revenue ${dollars(c.revenueMicros)})`;
    })
    .join(', ');
}
