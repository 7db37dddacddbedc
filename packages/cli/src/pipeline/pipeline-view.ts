// The numbers of the live view beyond "who is up": per stage, the records it wrote per second
// (its output topic's growth) and its consumer lag; the no-fill rate (auction outcomes that did
// not become impressions); dead letters; and from the warehouse, p50/p99 per stage, cost per
// 1,000 events and ROAS of the top campaigns. Each part that cannot be read says so and the
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
  const [cost, roas] = await Promise.all([
    getJson<CostJson>('cost', { sinceMs: at - 5 * 60_000 }).catch(() => undefined),
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
  const outcomes = rate(Topics.auctionOutcomes);
  const noFill = outcomes > 0 ? Math.max(0, 1 - rate(Topics.impressions) / outcomes) : undefined;
  const dead = (counts.get(Topics.deadLetters) ?? 0) + (counts.get(Topics.deadLettersRaw) ?? 0);
  const top = topCampaigns(roas?.windows ?? []);
  return [
    `  requests in ${rate(Topics.bidRequestsRaw).toFixed(1)}/s | no-fill ${noFill === undefined ? '–' : `${(noFill * 100).toFixed(1)} %`} | dead letters ${dead} | cost per 1,000 events ${cost && cost.events > 0 ? usd(cost.costPerEventUsd * 1000) : '–'}`,
    ...stages,
    `  ROAS, top campaigns by spend: ${top || (roas ? 'no windows yet' : 'warehouse unreachable')}`,
  ];
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
