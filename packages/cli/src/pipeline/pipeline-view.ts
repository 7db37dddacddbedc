// The numbers of the live view beyond "who is up": per stage, the records it wrote per second
// (its output topic's growth) and its consumer lag; dead letters; and from the warehouse, the
// no-fill rate of the last 5 minutes (its auction_outcomes table: one outcome per imp, the one
// count of no-fills everything shows), p50/p99 per stage, cost per 1,000 events and ROAS of the
// top campaigns. Each part that cannot be read says so and the
// rest is still shown.
import { Topics } from '@adtrace/schemas';
import type { Admin } from 'kafkajs';
import { ms, usd } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';

/** Each stage: the consumer groups and input topics its lag is measured on, and the topic it writes. */
const STAGES = [
  { name: 'ingest', groups: [['ingest', [Topics.bidRequestsRaw]]], output: Topics.bidRequests },
  { name: 'profiling', groups: [['profiling', [Topics.bidRequests]]], output: Topics.profiledRequests },
  { name: 'auction', groups: [['auction', [Topics.profiledRequests]]], output: Topics.auctionOutcomes },
  { name: 'delivery', groups: [['delivery', [Topics.auctionOutcomes]]], output: Topics.impressions },
  {
    name: 'tracking',
    groups: [
      ['tracking', [Topics.impressions]],
      ['tracking-rekey', [Topics.userEventsRaw]],
    ],
    output: Topics.attributedEvents,
  },
  { name: 'aggregation', groups: [['aggregation', [Topics.attributedEvents]]], output: Topics.roas },
] as const;

export type Counts = ReadonlyMap<string, number>;

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

interface CostJson {
  costPerEventUsd: number;
  events: number;
  stages: { stage: string; latencyP50Ms: number; latencyP99Ms: number }[];
}
export interface NoFillJson {
  outcomes: number;
  noFillRate: number;
}
interface RoasJson {
  windows: { campaignId: string; spendMicros: number; revenueMicros: number }[];
}

/** Lines for one tick: `counts` now and `last` (an interval ago) give the rates. */
export async function pipelineLines(
  admin: Admin,
  counts: Counts,
  last: { at: number; counts: Counts } | undefined,
  at: number,
): Promise<string[]> {
  const rate = (topic: string) =>
    last ? (((counts.get(topic) ?? 0) - (last.counts.get(topic) ?? 0)) * 1000) / (at - last.at) : 0;
  const sinceMs = at - 5 * 60_000;
  const [cost, noFill, roas] = await Promise.all([
    getJson<CostJson>('cost', { sinceMs }).catch(() => undefined),
    getJson<NoFillJson>('no-fill', { sinceMs }).catch(() => undefined),
    getJson<RoasJson>('roas', { limit: 200 }).catch(() => undefined),
  ]);
  const latency = new Map(cost?.stages.map((s) => [s.stage, s]) ?? []);
  const stages = await Promise.all(
    STAGES.map(async (s) => {
      const behind = await Promise.all(s.groups.map(([g, topics]) => lag(admin, g, topics, counts))).then(
        (l) => String(l.reduce((a, b) => a + b, 0)),
        () => '?',
      );
      const l = latency.get(s.name);
      const p = l ? `${ms(l.latencyP50Ms)}/${ms(l.latencyP99Ms)}` : '–';
      return `  ${s.name.padEnd(11)} ${rate(s.output).toFixed(1).padStart(7)}/s  lag ${behind.padStart(6)}  p50/p99 ${p}`;
    }),
  );
  const dead = (counts.get(Topics.deadLetters) ?? 0) + (counts.get(Topics.deadLettersRaw) ?? 0);
  const top = topCampaigns(roas?.windows ?? []);
  return [
    `  requests in ${rate(Topics.bidRequestsRaw).toFixed(1)}/s | no-fill ${noFillText(noFill)} | dead letters ${dead} | cost per 1,000 events ${cost && cost.events > 0 ? usd(cost.costPerEventUsd * 1000) : '–'}`,
    ...stages,
    `  ROAS, top campaigns by spend: ${top || (roas ? 'no windows yet' : 'warehouse unreachable')}`,
  ];
}

/** The exact table's rate over the last 5 minutes, of imps auctioned. */
export function noFillText(report: NoFillJson | undefined): string {
  if (!report) return '– (warehouse unreachable)';
  if (report.outcomes === 0) return '– (no auctions yet)';
  return `${(report.noFillRate * 100).toFixed(1)} % of ${report.outcomes} imps`;
}

function topCampaigns(windows: RoasJson['windows']): string {
  const by = new Map<string, { spend: number; revenue: number }>();
  for (const w of windows) {
    const c = by.get(w.campaignId) ?? { spend: 0, revenue: 0 };
    c.spend += w.spendMicros;
    c.revenue += w.revenueMicros;
    by.set(w.campaignId, c);
  }
  return [...by]
    .sort((a, b) => b[1].spend - a[1].spend)
    .slice(0, 3)
    .map(([id, c]) => `${id} ${c.spend > 0 ? (c.revenue / c.spend).toFixed(2) : '–'} ($${(c.spend / 1e6).toFixed(2)})`)
    .join(', ');
}
