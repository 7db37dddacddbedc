import { type Command, print, UsageError } from '../command.ts';
import { ms, pct, table, usd } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';

interface StageJson {
  readonly stage: string;
  readonly events: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyShare: number;
  readonly costPerEventUsd: number;
  readonly costPer1000EventsUsd: number;
  readonly costShare: number;
  /** What the warehouse spent storing this stage's data (part of its cost). */
  readonly storedUsd: number;
  readonly costUsd: number;
}

interface LatencyJson {
  readonly events: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

interface CostJson {
  readonly events: number;
  readonly endToEndP50Ms: number;
  readonly endToEndP99Ms: number;
  readonly serving: LatencyJson;
  readonly conversionLag: LatencyJson;
  readonly noFill: {
    readonly outcomes: number;
    readonly wins: number;
    readonly noFills: number;
    readonly noFillRate: number;
    readonly reasons: readonly { readonly reason: string; readonly count: number; readonly rate: number }[];
  };
  readonly perDay?: {
    readonly eventsPerDay: number;
    readonly sampleRatio: number;
    readonly usdPerDay: number;
    readonly stages: readonly { readonly stage: string; readonly usdPerDay: number; readonly share: number }[];
  };
  readonly costPerEventUsd: number;
  readonly costPer1000EventsUsd: number;
  readonly stages: readonly StageJson[];
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

export const costCommand: Command = {
  name: 'cost',
  summary: 'share of latency and cost per stage, per event and per 1,000 events',
  help: `Usage: adtrace cost [--by service|span] [--since-minutes N] [--per-day N [--sample-ratio R]] [--json]

Over the traces of ad events in the warehouse, each trace counted whole: for each stage, latency
p50/p99 (the stage's hop spans per event) and its share of all stages' latency, and cost per
event, per 1,000 events and its share. Span costs are self costs, so stage costs add up to the
event's cost; work outside event traces (flushes, the warehouse's loads, priced with what they
store) is shared by the events in range. What the warehouse spends storing a stage's data (its
spans' share of storing traces, its output tables) is that stage's cost, shown apart as STORING
(share of all cost); the warehouse row keeps its queries and what is no stage's. Serving latency (request → impression) and conversion
lag (impression → conversion) apart, and the no-fill rate by reason.

  --by span          one row per service + span name instead of per service
  --since-minutes N  only traces that started in the last N minutes
  --per-day N        each stage's measured cost per event at N events a day (e.g. 1e9)
  --sample-ratio R   share of those events traced and stored (default ADTRACE_TRACE_SAMPLE_RATIO, else 1)
  --json             the report as JSON

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(argv) {
    const args = [...argv];
    const json = args.includes('--json');
    if (json) args.splice(args.indexOf('--json'), 1);
    const by = option(args, '--by') ?? 'service';
    if (by !== 'service' && by !== 'span') throw new UsageError(`--by must be service or span, got ${by}`);
    const since = option(args, '--since-minutes');
    if (since !== undefined && !(Number(since) > 0))
      throw new UsageError(`--since-minutes must be a positive number, got ${since}`);
    const perDayRaw = option(args, '--per-day');
    const perDay = perDayRaw === undefined ? undefined : Number(perDayRaw);
    if (perDay !== undefined && !(Number.isFinite(perDay) && perDay > 0))
      throw new UsageError(`--per-day must be a positive number of events, got ${perDayRaw}`);
    const ratioRaw = option(args, '--sample-ratio') ?? process.env.ADTRACE_TRACE_SAMPLE_RATIO?.trim() ?? '1';
    const sampleRatio = Number(ratioRaw);
    if (!(sampleRatio >= 0 && sampleRatio <= 1))
      throw new UsageError(`--sample-ratio (or ADTRACE_TRACE_SAMPLE_RATIO) must be in [0, 1], got ${ratioRaw}`);
    if (args.length > 0) throw new UsageError(`unexpected argument ${args[0]}`);
    const sinceMs = since === undefined ? undefined : Math.floor(Date.now() - Number(since) * 60_000);
    const report = await getJson<CostJson>('cost', {
      by,
      sinceMs,
      ...(perDay !== undefined && { perDay, sampleRatio }),
    });
    if (json) {
      print(JSON.stringify(report, null, 2));
      return 0;
    }
    if (report.events === 0) {
      print('no traced ad events in the warehouse yet');
      return 0;
    }
    print(
      `${report.events} events · end to end p50 ${ms(report.endToEndP50Ms)}, p99 ${ms(report.endToEndP99Ms)} · ` +
        `cost ${usd(report.costPerEventUsd)} per event, ${usd(report.costPer1000EventsUsd)} per 1,000 events\n`,
    );
    const total = report.stages.reduce((n, s) => n + s.costUsd, 0);
    const rows = report.stages.map((s) => [
      s.stage,
      String(s.events),
      ms(s.latencyP50Ms),
      ms(s.latencyP99Ms),
      pct(s.latencyShare),
      usd(s.costPerEventUsd),
      usd(s.costPer1000EventsUsd),
      pct(s.costShare),
      pct(total > 0 ? s.storedUsd / total : 0),
    ]);
    print(
      table(
        ['STAGE', 'EVENTS', 'P50', 'P99', 'LATENCY', 'COST/EVENT', 'COST/1K EVENTS', 'COST', 'STORING'],
        rows,
        'lrrrrrrrr',
      ),
    );
    print(`\n${latencyLine('serving (request → impression)', report.serving)}`);
    print(latencyLine('conversion lag (impression → conversion)', report.conversionLag));
    const nf = report.noFill;
    const reasons = nf.reasons.map((r) => `${r.reason} ${pct(r.rate)}`).join(', ');
    print(`no-fill ${pct(nf.noFillRate)} of ${nf.outcomes} auctioned imps${reasons ? ` (${reasons})` : ''}`);
    if (report.perDay) {
      const p = report.perDay;
      print(
        `\nat ${p.eventsPerDay.toExponential(2)} events a day (${pct(p.sampleRatio)} traced and stored): ` +
          `${usd(p.usdPerDay)} a day`,
      );
      print(
        table(
          ['STAGE', 'USD/DAY', 'SHARE'],
          p.stages.map((s) => [s.stage, usd(s.usdPerDay), pct(s.share)]),
          'lrr',
        ),
      );
    }
    return 0;
  },
};

function latencyLine(what: string, l: LatencyJson): string {
  if (l.events === 0 || l.p50Ms === null || l.p99Ms === null) return `${what}: none yet`;
  return `${what}: p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)} over ${l.events} events`;
}
