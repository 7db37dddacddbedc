import { type Command, print, UsageError } from '../command.ts';
import { getJson, NotFound } from '../views/warehouse-api.ts';
import { renderWaterfall, type TraceJson } from '../views/waterfall.ts';

export const traceCommand: Command = {
  name: 'trace',
  summary: "one event's span tree across topics, with latency and cost",
  help: `Usage: adtrace trace [--json] [--] <event-id|trace-id|openrtb-request-id>

Draws the trace of one ad event as a waterfall: service, span, start offset, duration and the
span's own (self) cost; summing the cost column gives the event's cost. The id is tried as a
trace id (when it is 32 hex digits), then as an event id (adtrace.event_id), then as the
upstream's OpenRTB request id (openrtb.request_id on ingest's ads.serve span) — the one id an
exchange has when it asks what happened to its request. When several traces match (a request
id two exchanges used), the earliest is drawn and the others are named.

  --json   {"traceId", "eventId", "requestId", "foundBy" (traceId|eventId|requestId),
           "otherTraceIds", "spans": [{"traceId", "spanId", "parentSpanId" (null at the root),
           "service", "name", "kind", "startMs" (offset from the trace start), "durationMs",
           "costUsd", "attributes", …}]}

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(args) {
    // After `--` everything is an id: an exchange's request id may start with a dash.
    const end = args.indexOf('--');
    const options = end === -1 ? args : args.slice(0, end);
    const json = options.includes('--json');
    const ids = [...options.filter((a) => a !== '--json'), ...(end === -1 ? [] : args.slice(end + 1))];
    const unknown = options.find((a) => a.startsWith('-') && a !== '--json');
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    if (ids.length !== 1)
      throw new UsageError(ids.length === 0 ? 'missing event id, trace id or OpenRTB request id' : 'give one id');
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
