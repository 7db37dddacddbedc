import { TRACE_ID, type Warehouse } from '@adtrace/warehouse';
import { costView, deadLetterView, traceView } from './views.ts';

/** A request the client got wrong: 400 with the message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

export type Reply = { status: number; body: unknown };
export type Route = (params: URLSearchParams, pathId: string | undefined) => Promise<Reply>;
/** Runs one warehouse query in its own span (the query's bytes scanned land on it). */
export type Traced = <T>(name: string, work: () => Promise<T>) => Promise<T>;

function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** The query API: read-only JSON over the warehouse, what the CLI's trace/cost/roas/dlq views call. */
export function routes(wh: Warehouse, traced: Traced, health: () => { status: string }): Record<string, Route> {
  return {
    health: async () => {
      const body = health();
      return { status: body.status === 'ok' ? 200 : 503, body };
    },

    // /api/traces/<trace id or event id>, or /api/traces?traceId=… / ?eventId=…
    async traces(params, pathId) {
      const id = pathId ?? params.get('traceId') ?? params.get('eventId');
      if (!id) throw new BadRequest('give a trace id or an event id: /api/traces/<id>');
      const asTrace = TRACE_ID.test(id) && !params.has('eventId');
      if (asTrace) {
        const spans = await traced('trace_spans', () => wh.traceSpans(id));
        if (spans.length > 0) return { status: 200, body: traceView(spans, null, []) };
      }
      const traceIds = await traced('trace_ids_for_event', () => wh.traceIdsForEvent(id));
      if (traceIds.length === 0)
        return { status: 404, body: { error: `no trace for ${id} (not a trace id or event id the warehouse has)` } };
      const spans = await traced('trace_spans', () => wh.traceSpans(traceIds[0]!));
      return { status: 200, body: traceView(spans, id, traceIds.slice(1)) };
    },

    async cost(params) {
      const by = params.get('by') ?? 'service';
      if (by !== 'service' && by !== 'span') throw new BadRequest(`by must be service or span, got "${by}"`);
      const sinceMs = intParam(params, 'sinceMs');
      const report = await traced('stage_stats', () =>
        wh.stageStats({ by, ...(sinceMs !== undefined && { sinceMs }) }),
      );
      return { status: 200, body: costView(report) };
    },

    async roas(params) {
      const campaignId = params.get('campaignId') ?? undefined;
      const limit = intParam(params, 'limit');
      const rows = await traced('roas_windows', () =>
        wh.roasWindows({ ...(campaignId && { campaignId }), ...(limit && { limit }) }),
      );
      return { status: 200, body: { windows: rows } };
    },

    async 'attributed-events'(params) {
      const campaignId = params.get('campaignId') ?? undefined;
      const limit = intParam(params, 'limit');
      const rows = await traced('attributed_events', () =>
        wh.attributedEvents({ ...(campaignId && { campaignId }), ...(limit && { limit }) }),
      );
      return { status: 200, body: { events: rows } };
    },

    async 'dead-letters'(params) {
      const limit = intParam(params, 'limit');
      const rows = await traced('dead_letters', () => wh.deadLetters({ ...(limit && { limit }) }));
      return { status: 200, body: { deadLetters: rows.map(deadLetterView) } };
    },
  };
}
