import {
  MAX_NO_FILL_TRACES,
  MAX_TRACE_STAGES,
  projectPerDay,
  type SegmentMembersQuery,
  TRACE_ID,
  type Warehouse,
} from '@adtrace/warehouse';
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

function numberParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new BadRequest(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** The query API: read-only JSON over the warehouse, what the CLI's trace/cost/roas/dlq views call. */
export function routes(wh: Warehouse, traced: Traced, health: () => { status: string }): Record<string, Route> {
  return {
    health: async () => {
      const body = health();
      return { status: body.status === 'ok' ? 200 : 503, body };
    },

    // /api/traces/<trace id, event id or OpenRTB request id>, or ?traceId= / ?eventId= / ?requestId=
    async traces(params, pathId) {
      const named = (['traceId', 'eventId', 'requestId'] as const).find((k) => params.has(k));
      const id = pathId ?? (named && params.get(named));
      if (!id) throw new BadRequest('give a trace id, an event id or an OpenRTB request id: /api/traces/<id>');
      const tries = named && !pathId ? [named] : (['traceId', 'eventId', 'requestId'] as const);
      for (const by of tries) {
        if (by === 'traceId') {
          if (!TRACE_ID.test(id)) continue;
          const spans = await traced('trace_spans', () => wh.traceSpans(id));
          if (spans.length > 0) return { status: 200, body: traceView(spans, { by, id }, []) };
          continue;
        }
        const traceIds =
          by === 'eventId'
            ? await traced('trace_ids_for_event', () => wh.traceIdsForEvent(id))
            : await traced('trace_ids_for_request', () => wh.traceIdsForRequest(id));
        if (traceIds.length === 0) continue;
        const spans = await traced('trace_spans', () => wh.traceSpans(traceIds[0]!));
        return { status: 200, body: traceView(spans, { by, id }, traceIds.slice(1)) };
      }
      const what = tries.length === 1 ? tries[0] : 'trace id, event id or OpenRTB request id';
      return { status: 404, body: { error: `no trace for ${id} (not a ${what} the warehouse has)` } };
    },

    // /api/trace-stages?traceIds=a,b,…: per trace, spans per service and name (adtrace demo).
    async 'trace-stages'(params) {
      const ids = (params.get('traceIds') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) throw new BadRequest('give trace ids: /api/trace-stages?traceIds=<id>,<id>,…');
      if (ids.length > MAX_TRACE_STAGES) throw new BadRequest(`at most ${MAX_TRACE_STAGES} trace ids at once`);
      const bad = ids.find((id) => !TRACE_ID.test(id));
      if (bad !== undefined) throw new BadRequest(`not a trace id (32 lower-case hex digits): "${bad}"`);
      return { status: 200, body: { traces: await traced('trace_stages', () => wh.traceStages(ids)) } };
    },

    async cost(params) {
      const by = params.get('by') ?? 'service';
      if (by !== 'service' && by !== 'span') throw new BadRequest(`by must be service or span, got "${by}"`);
      const sinceMs = intParam(params, 'sinceMs');
      const perDay = numberParam(params, 'perDay');
      const sampleRatio = numberParam(params, 'sampleRatio') ?? 1;
      if (sampleRatio > 1) throw new BadRequest(`sampleRatio must be in [0, 1], got ${sampleRatio}`);
      const since = sinceMs !== undefined ? { sinceMs } : {};
      const [report, noFill] = await Promise.all([
        traced('stage_stats', () => wh.stageStats({ by, ...since })),
        traced('no_fill', () => wh.noFillReport(since)),
      ]);
      const projection = perDay === undefined ? {} : { perDay: projectPerDay(report, perDay, sampleRatio) };
      return { status: 200, body: { ...costView(report), noFill, ...projection } };
    },

    // /api/no-fill?sinceMs=&traceIds=: auction outcomes (one per imp) from the exact auction_outcomes
    // table, the no-fill rate and its reasons; traceIds (comma-separated) keeps one run's requests.
    async 'no-fill'(params) {
      const sinceMs = intParam(params, 'sinceMs');
      const raw = params.get('traceIds');
      const traceIds = raw === null ? undefined : raw.split(',').filter(Boolean);
      if (traceIds && traceIds.length > MAX_NO_FILL_TRACES)
        throw new BadRequest(`at most ${MAX_NO_FILL_TRACES} trace ids at once`);
      const bad = traceIds?.find((id) => !TRACE_ID.test(id));
      if (bad !== undefined) throw new BadRequest(`not a trace id (32 lower-case hex digits): "${bad}"`);
      const report = await traced('no_fill', () =>
        wh.noFillReport({ ...(sinceMs !== undefined && { sinceMs }), ...(traceIds && { traceIds }) }),
      );
      return { status: 200, body: report };
    },

    // The current generation's windows (or ?generation=N), newest first; ?sinceMs= by window start.
    async roas(params) {
      const campaignId = params.get('campaignId') ?? undefined;
      const limit = intParam(params, 'limit');
      const sinceMs = intParam(params, 'sinceMs');
      const generation = intParam(params, 'generation');
      const rows = await traced('roas_windows', () =>
        wh.roasWindows({
          ...(campaignId && { campaignId }),
          ...(limit && { limit }),
          ...(sinceMs !== undefined && { sinceMs }),
          ...(generation !== undefined && { generation }),
        }),
      );
      return { status: 200, body: { windows: rows } };
    },

    // Every generation of adtrace.roas and its progress against the current one (adtrace roas rebuild).
    async 'roas-generations'() {
      const generations = await traced('roas_generations', () => wh.roasGenerations());
      return { status: 200, body: { generations } };
    },

    // /api/campaign-totals?sinceMs=&limit=: spend and revenue per campaign from the attributed
    // events since sinceMs, most spend first: provisional figures for windows not yet closed.
    async 'campaign-totals'(params) {
      const sinceMs = intParam(params, 'sinceMs');
      if (sinceMs === undefined)
        throw new BadRequest('give sinceMs (ms since the epoch): /api/campaign-totals?sinceMs=');
      const limit = intParam(params, 'limit');
      const campaigns = await traced('campaign_totals', () => wh.campaignTotals({ sinceMs, ...(limit && { limit }) }));
      return { status: 200, body: { sinceMs, campaigns } };
    },

    async 'attributed-events'(params) {
      const campaignId = params.get('campaignId') ?? undefined;
      const limit = intParam(params, 'limit');
      const rows = await traced('attributed_events', () =>
        wh.attributedEvents({ ...(campaignId && { campaignId }), ...(limit && { limit }) }),
      );
      return { status: 200, body: { events: rows } };
    },

    // /api/segment-members?query=<SegmentMembersQuery as JSON>: the segment builder's behavioural criteria.
    async 'segment-members'(params) {
      const raw = params.get('query');
      if (!raw) throw new BadRequest('give query=<JSON: {"conditions": [ … ]}>');
      let query: SegmentMembersQuery;
      try {
        query = JSON.parse(raw) as SegmentMembersQuery;
      } catch {
        throw new BadRequest('query is not JSON');
      }
      const members = await traced('segment_members', () => wh.segmentMembers(query));
      return { status: 200, body: { members } };
    },

    // The flush spans of one campaign window (`ads.aggregate.flush`), latest first.
    async flushes(params) {
      const campaignId = params.get('campaignId');
      const windowStartMs = intParam(params, 'windowStartMs');
      if (!campaignId || windowStartMs === undefined) throw new BadRequest('give campaignId and windowStartMs');
      const traceIds = await traced('flush_trace_ids', () => wh.flushTraceIds({ campaignId, windowStartMs }));
      return { status: 200, body: { traceIds } };
    },

    async 'dead-letters'(params) {
      const limit = intParam(params, 'limit');
      const rows = await traced('dead_letters', () => wh.deadLetters({ ...(limit && { limit }) }));
      return { status: 200, body: { deadLetters: rows.map(deadLetterView) } };
    },
  };
}
