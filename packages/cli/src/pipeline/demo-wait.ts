// How `adtrace demo` waits for its requests' traces: polling what the warehouse holds, with the
// fetch passed in, so the waiting rules are tested without a pipeline.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TraceStages } from '@adtrace/warehouse';
import { type RequestFate, requestFate, type SentRequest } from './demo-summary.ts';

/**
 * How long, once every request is done, the demo keeps asking for the spans still missing from a
 * done request's trace. Each service exports its spans on its own schedule (batches every
 * 500 ms, retried when the warehouse pushes back), so a request's ingest or profiling spans can
 * land after its later stages' (CI saw 39 of 40 traces complete). A span that never comes does
 * not hold the demo until its deadline: after this, the trace counts as incomplete.
 */
export const LATE_SPANS_MS = 10_000;

export interface WaitOptions {
  /** The traces of these ids, as the warehouse holds them now (at most `batch` ids per call). */
  readonly stages: (traceIds: readonly string[]) => Promise<readonly TraceStages[]>;
  readonly batch: number;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly lateSpansMs?: number;
  /** Progress, when the count of requests through changes. */
  readonly progress?: (done: number, of: number) => void;
}

/**
 * Polls until every request is done (or the deadline), then for up to `lateSpansMs` more while a
 * done request's trace still lacks a stage its outcome implies: what each trace says happened.
 */
export async function waitForFates(sent: readonly SentRequest[], o: WaitOptions): Promise<RequestFate[]> {
  const fates: (RequestFate | undefined)[] = new Array(sent.length);
  const { pollMs = 2000, lateSpansMs = LATE_SPANS_MS } = o;
  let settleUntil: number | undefined;
  let shown = -1;
  const incomplete = (f: RequestFate | undefined) => f?.done && !f.complete && !f.deadLettered;
  for (;;) {
    const open = sent
      .map((s, i) => ({ s, i }))
      .filter(({ i }) => !fates[i]?.done || (settleUntil !== undefined && incomplete(fates[i])));
    for (let b = 0; b < open.length; b += o.batch) {
      const part = open.slice(b, b + o.batch);
      const traces = await o.stages(part.map(({ s }) => s.traceId));
      const byId = new Map(traces.map((t) => [t.traceId, t]));
      for (const { s, i } of part) fates[i] = requestFate(s, byId.get(s.traceId)!);
    }
    const done = fates.filter((f) => f?.done).length;
    if (done !== shown) o.progress?.(done, sent.length);
    shown = done;
    const now = Date.now();
    if (done === sent.length) settleUntil ??= Math.min(o.deadline, now + lateSpansMs);
    const settled = settleUntil !== undefined && (!fates.some(incomplete) || now >= settleUntil);
    if (settled || now > o.deadline || o.signal.aborted) return fates as RequestFate[];
    await sleep(settleUntil === undefined ? pollMs : Math.min(pollMs, 500), undefined, { signal: o.signal }).catch(
      () => {},
    );
  }
}
