import { clip, ms, table, usd } from './format.ts';

export interface TraceSpanJson {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly service: string;
  readonly name: string;
  readonly kind: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly costUsd: number;
  readonly statusCode?: string;
  readonly attributes: Record<string, unknown>;
}

export interface TraceJson {
  readonly traceId: string;
  readonly eventId: string | null;
  /** The upstream's OpenRTB request id, when ingest's span carries it. */
  readonly requestId?: string | null;
  /** What the id asked for turned out to be. */
  readonly foundBy?: 'traceId' | 'eventId' | 'requestId';
  readonly otherTraceIds?: readonly string[];
  readonly spans: readonly TraceSpanJson[];
}

/** Depth-first, children by start time; a span whose parent is not in the trace is a root. */
export function treeOrder(spans: readonly TraceSpanJson[]): { span: TraceSpanJson; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpanJson[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs || a.spanId.localeCompare(b.spanId));
  const out: { span: TraceSpanJson; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      out.push({ span: s, depth });
      visit(s.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** The span tree as a waterfall: service, span (indented), start offset, duration, self cost, a bar. */
export function renderWaterfall(trace: TraceJson, width = 32): string {
  const end = Math.max(...trace.spans.map((s) => s.startMs + s.durationMs), 0.001);
  const total = trace.spans.reduce((sum, s) => sum + s.costUsd, 0);
  const rows = treeOrder(trace.spans).map(({ span, depth }) => {
    const from = Math.floor((span.startMs / end) * width);
    const len = Math.max(1, Math.round((span.durationMs / end) * width));
    const bar = `${' '.repeat(from)}${'█'.repeat(Math.min(len, width - from))}`.padEnd(width);
    const mark = span.statusCode === 'error' ? ' ✗' : '';
    return [
      span.service,
      clip(`${'  '.repeat(depth)}${depth > 0 ? '└ ' : ''}${span.name}${mark}`, 56),
      ms(span.startMs),
      ms(span.durationMs),
      usd(span.costUsd),
      `|${bar}|`,
    ];
  });
  const ids = [
    `trace ${trace.traceId}`,
    ...(trace.eventId ? [`event ${trace.eventId}`] : []),
    ...(trace.requestId ? [`request ${trace.requestId}`] : []),
  ];
  const head = `${ids.join('  ')}  ${trace.spans.length} spans  ${ms(end)}  ${usd(total)} total`;
  const others = trace.otherTraceIds?.length ? `\nalso carried by traces: ${trace.otherTraceIds.join(', ')}` : '';
  return `${head}\n\n${table(['SERVICE', 'SPAN', 'START', 'DURATION', 'COST (self)', 'TIMELINE'], rows, 'llrrrl')}${others}`;
}
