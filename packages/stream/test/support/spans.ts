import type { SpanRecord } from './sdk.ts';

export const SpanKindCode = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** Spans named `name`, indexed by their adtrace.event_id; fails on a missing or repeated id. */
export function byEvent(spans: readonly SpanRecord[], name: string): Map<string, SpanRecord> {
  const out = new Map<string, SpanRecord>();
  for (const s of spans.filter((x) => x.name === name)) {
    const id = s.attributes['adtrace.event_id'];
    if (typeof id !== 'string') throw new Error(`${name} span without adtrace.event_id`);
    if (out.has(id)) throw new Error(`two ${name} spans for event ${id}`);
    out.set(id, s);
  }
  return out;
}

export function byId(spans: readonly SpanRecord[]): Map<string, SpanRecord> {
  return new Map(spans.map((s) => [s.spanId, s]));
}
