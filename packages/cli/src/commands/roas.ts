import type { RoasWindowRow } from '@adtrace/warehouse';
import { type Command, print, UsageError } from '../command.ts';
import { table } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';

/** The API sends the warehouse's rows as they are. */
type WindowJson = Omit<RoasWindowRow, 'completeThroughMs' | 'emittedAtMs'>;

const dollars = (micros: number) => `$${(micros / 1e6).toFixed(2)}`;
const time = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');

export const roasCommand: Command = {
  name: 'roas',
  summary: 'ROAS per campaign and window',
  help: `Usage: adtrace roas [--campaign ID] [--limit N] [--json]

ROAS windows as loaded into the warehouse, newest first: impressions, clicks, conversions,
spend, revenue, ROAS = revenue / spend, observed vs predicted CTR, the revision (restatements
raise it) and whether the window is final.

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(argv) {
    const args = [...argv];
    const json = args.includes('--json');
    if (json) args.splice(args.indexOf('--json'), 1);
    const params: Record<string, string> = {};
    while (args.length > 0) {
      const [flag, value] = args.splice(0, 2);
      if ((flag !== '--campaign' && flag !== '--limit') || value === undefined)
        throw new UsageError(`unexpected argument ${flag}`);
      params[flag === '--campaign' ? 'campaignId' : 'limit'] = value;
    }
    const body = await getJson<{ windows: WindowJson[] }>('roas', params);
    if (json) {
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
    ];
    print(table(header, rows, 'llrrrrrrrrl'));
    return 0;
  },
};
