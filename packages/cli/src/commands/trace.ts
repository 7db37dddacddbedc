import { type Command, print, UsageError } from '../command.ts';
import { getJson, NotFound } from '../views/warehouse-api.ts';
import { renderWaterfall, type TraceJson } from '../views/waterfall.ts';

export const traceCommand: Command = {
  name: 'trace',
  summary: "one event's span tree across topics, with latency and cost",
  help: `Usage: adtrace trace <event-id|trace-id> [--json]

Draws the trace of one ad event as a waterfall: service, span, start offset, duration and the
span's own (self) cost; summing the cost column gives the event's cost. A 32-hex-digit id is
tried as a trace id first, anything else as an event id (adtrace.event_id).

  --json   {"traceId", "eventId", "spans": [{"traceId", "spanId", "parentSpanId" (null at the
           root), "service", "name", "kind", "startMs" (offset from the trace start),
           "durationMs", "costUsd", "attributes", …}]}

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(args) {
    const json = args.includes('--json');
    const ids = args.filter((a) => a !== '--json');
    const unknown = ids.find((a) => a.startsWith('-'));
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    if (ids.length !== 1) throw new UsageError(ids.length === 0 ? 'missing event id or trace id' : 'give one id');
    let trace: TraceJson;
    try {
      trace = await getJson<TraceJson>(`traces/${encodeURIComponent(ids[0]!)}`);
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
      process.stderr.write(`adtrace trace: ${err.message}\n`);
      return 3;
    }
    print(json ? JSON.stringify(trace, null, 2) : renderWaterfall(trace));
    return 0;
  },
};
