// Whether a run's sampled traces are whole (issue 14: "every sampled trace complete"): the
// requests ingest wrote, read off its output topic with their traceparent, judged by the rule of
// `adtrace demo` (requestFate: the spans of every stage the outcome implies), against what the
// warehouse holds once the run's spans are stored.
import { requestFate, type SentRequest } from '@adtrace/cli';
import { createCodec, RecordNames } from '@adtrace/schemas';
import { MAX_TRACE_STAGES, type TraceStages } from '@adtrace/warehouse';

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

/** The sampled requests ingest wrote (its output topic's records), kept raw until the run is over. */
export class SampledRequests {
  readonly #records: { traceId: string; value: Buffer }[] = [];

  /** One record of ingest's output topic: kept if its traceparent says sampled. */
  add(headers: Record<string, unknown> | undefined, value: Buffer | null): void {
    const raw = headers?.traceparent;
    const match = raw === undefined || value === null ? null : TRACEPARENT.exec(String(raw));
    if (match && (Number.parseInt(match[2]!, 16) & 1) === 1) this.#records.push({ traceId: match[1]!, value: value! });
  }

  /** Their trace ids, imps and test flags (decoded now, not while the pipeline runs). */
  sent(): SentRequest[] {
    const codec = createCodec(RecordNames.BidRequest);
    return this.#records.map(({ traceId, value }) => {
      const request = codec.decode(value);
      return { traceId, imps: request.imp.length, test: request.test };
    });
  }
}

export interface TraceCompleteness {
  /** Requests ingest sampled (every valid request at a ratio of 1). */
  readonly sampled: number;
  /** Of those, traces holding the spans of every stage their outcome implies. */
  readonly complete: number;
}

/** Asks the warehouse API (POST /api/trace-stages) about every sampled request's trace. */
export async function traceCompleteness(apiPort: number, sent: readonly SentRequest[]): Promise<TraceCompleteness> {
  let complete = 0;
  for (let i = 0; i < sent.length; i += MAX_TRACE_STAGES) {
    const part = sent.slice(i, i + MAX_TRACE_STAGES);
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/trace-stages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ traceIds: part.map((s) => s.traceId) }),
    });
    if (!res.ok) throw new Error(`warehouse /api/trace-stages: ${res.status} ${await res.text()}`);
    const { traces } = (await res.json()) as { traces: TraceStages[] };
    const byId = new Map(traces.map((t) => [t.traceId, t]));
    for (const s of part) if (requestFate(s, byId.get(s.traceId)!).complete) complete += 1;
  }
  return { sampled: sent.length, complete };
}
