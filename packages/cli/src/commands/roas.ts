import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { RoasWindowRow } from '@adtrace/warehouse';
import { type Command, print, UsageError } from '../command.ts';
import { rebuildRoas } from '../roas-rebuild.ts';
import { table } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';

/** The API sends the warehouse's rows as they are. */
type WindowJson = Omit<RoasWindowRow, 'completeThroughMs' | 'emittedAtMs'>;

const dollars = (micros: number) => `$${(micros / 1e6).toFixed(2)}`;
const time = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');

/** `--since`: an ISO time, or a duration back from now (`90s`, `30m`, `6h`, `2d`). */
export function parseSince(raw: string, nowMs = Date.now()): number {
  const ago = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(raw.trim());
  if (ago) return nowMs - Number(ago[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's'];
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`--since must be an ISO time or a duration like 30m, 6h, 2d; got ${raw}`);
  return ms;
}

/** node:util parseArgs, its mistakes as usage errors (help printed, exit 2). */
function args<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

const seconds = (raw: string | undefined, flag: string): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got ${raw}`);
  return n * 1000;
};

async function rebuild(argv: string[]): Promise<number> {
  const values = args(argv, {
    'no-wait': { type: 'boolean' },
    interval: { type: 'string' },
    timeout: { type: 'string' },
  } as const);
  const timeoutMs = seconds(values.timeout, '--timeout');
  return rebuildRoas({
    wait: !values['no-wait'],
    intervalMs: seconds(values.interval, '--interval') ?? 5_000,
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
}

export const roasCommand: Command = {
  name: 'roas',
  summary: 'ROAS per campaign and window; rebuild it as a new generation',
  help: `Usage: adtrace roas [--campaign ID] [--since T] [--limit N] [--json]
       adtrace roas rebuild [--no-wait] [--interval S] [--timeout S]

ROAS windows as loaded into the warehouse, newest first, of the current generation (latest
revision per window): impressions, clicks, conversions, spend, revenue, ROAS = revenue / spend,
observed vs predicted CTR, the revision (restatements raise it) and whether the window is final.
--since: windows starting at or after an ISO time, or a duration back from now (30m, 6h, 2d).

rebuild: starts generation N + 1 (N: the highest the warehouse has seen) as a second aggregation
process (aggregation-g<N+1>, in adtrace status / down) that reads adtrace.attributed-events from
the beginning into empty state, so every window is recomputed. It prints its progress every
--interval (5) seconds until the warehouse has switched to it, which happens once its
completeThroughMs has reached the current generation's for every campaign; then it retires the
old generation: the live aggregation stops and aggregation runs the new generation from now on
(its state and offsets carried on). Ctrl-C or --timeout stops watching, not the rebuild: run
adtrace roas rebuild again to go on watching. --no-wait only starts it.

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(argv) {
    if (argv[0] === 'rebuild') return rebuild(argv.slice(1));
    const values = args(argv, {
      campaign: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    } as const);
    const params: Record<string, string> = {};
    if (values.campaign !== undefined) params.campaignId = values.campaign;
    if (values.limit !== undefined) params.limit = values.limit;
    if (values.since !== undefined) params.sinceMs = String(Math.max(0, Math.floor(parseSince(values.since))));
    const body = await getJson<{ windows: WindowJson[] }>('roas', params);
    if (values.json) {
      print(JSON.stringify(body, null, 2));
      return 0;
    }
    if (body.windows.length === 0) {
      print('no ROAS windows yet');
      return 0;
    }
    const rows = body.windows.map((w) => [
      w.campaignId,
      `${time(w.windowStartMs)}–${time(w.windowEndMs).slice(6)}`,
      String(w.impressions),
      String(w.clicks),
      String(w.conversions),
      dollars(w.spendMicros),
      dollars(w.revenueMicros),
      w.roas === null ? '–' : w.roas.toFixed(2),
      w.observedCtr === null ? '–' : `${(w.observedCtr * 100).toFixed(2)}%`,
      w.predictedCtr === null ? '–' : `${(w.predictedCtr * 100).toFixed(2)}%`,
      `${w.revision}${w.complete ? ' final' : ''}`,
      String(w.generation),
    ]);
    const header = [
      'CAMPAIGN',
      'WINDOW (UTC)',
      'IMPR',
      'CLICKS',
      'CONV',
      'SPEND',
      'REVENUE',
      'ROAS',
      'CTR',
      'pCTR',
      'REV',
      'GEN',
    ];
    print(table(header, rows, 'llrrrrrrrrlr'));
    return 0;
  },
};
