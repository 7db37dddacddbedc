// Pictures for the web view: DOM and SVG built by hand (no framework, nothing fetched from
// elsewhere). Each function takes plain data (the query API's JSON) and returns an element.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element: attributes (`on*` become listeners) and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, same conventions. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat(Number.POSITIVE_INFINITY))
    if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#e15759', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];
const SERVICE_ORDER = ['ingest', 'profiling', 'auction', 'delivery', 'tracking', 'aggregation', 'warehouse'];

/** The i-th colour of the palette: series drawn together never share one (up to 9). */
export const seriesColour = (i) => PALETTE[i % PALETTE.length];

/**
 * A colour per service of one picture: the pipeline's own always the same, others (test relays,
 * upstream) the palette's next colour that none of them uses.
 */
export function serviceColours(services) {
  const out = new Map();
  const used = new Set();
  for (const name of services) {
    const known = SERVICE_ORDER.indexOf(name);
    if (known >= 0) {
      out.set(name, PALETTE[known]);
      used.add(known);
    }
  }
  let next = 0;
  for (const name of services) {
    if (out.has(name)) continue;
    while (used.has(next % PALETTE.length) && used.size < PALETTE.length) next++;
    used.add(next % PALETTE.length);
    out.set(name, PALETTE[next % PALETTE.length]);
  }
  return out;
}

export const fmtMs = (ms) =>
  ms === 0
    ? '0'
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${ms.toFixed(0)} ms`
        : `${ms.toFixed(2)} ms`;
export const fmtUsd = (usd) =>
  usd === 0 ? '$0' : usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toExponential(2).replace('e-', 'e−')}`;
export const fmtPct = (share) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;

/** Depth-first, children by start time; a span whose parent is not in the trace is a root. */
export function treeOrder(spans) {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(s);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs || a.spanId.localeCompare(b.spanId));
  const out = [];
  const visit = (parent, depth) => {
    for (const s of children.get(parent) ?? []) {
      out.push({ span: s, depth });
      visit(s.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** The links a span carries to other traces (a flush span's events), as the receiver stored them. */
export const linksOf = (span) => (Array.isArray(span.attributes['otel.links']) ? span.attributes['otel.links'] : []);

/**
 * The waterfall: one row per span in tree order — service and name (indented under its parent),
 * a bar over the trace's time, its self cost as a bar and a figure. `onSelect(span)` on a click.
 */
export function waterfall(trace, { onSelect, selected } = {}) {
  const rows = treeOrder(trace.spans);
  const end = Math.max(0.001, ...trace.spans.map((s) => s.startMs + s.durationMs));
  const maxCost = Math.max(0, ...trace.spans.map((s) => s.costUsd));
  const colours = serviceColours(rows.map((r) => r.span.service));
  const colour = (service) => colours.get(service);
  const [labelW, timeW, costW, rowH, top] = [330, 560, 150, 22, 24];
  const width = labelW + timeW + costW + 20;
  const x = (ms) => labelW + (ms / end) * timeW;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => [
    svg('line', { x1: x(f * end), x2: x(f * end), y1: top - 4, y2: top + rows.length * rowH, class: 'grid' }),
    svg(
      'text',
      { x: x(f * end), y: top - 8, class: 'tick', 'text-anchor': f === 1 ? 'end' : 'middle' },
      fmtMs(f * end),
    ),
  ]);
  const body = rows.map(({ span, depth }, i) => {
    const y = top + i * rowH;
    const x0 = x(span.startMs);
    const w = Math.max(2, x(span.startMs + span.durationMs) - x0);
    const links = linksOf(span);
    const error = span.statusCode === 'error';
    const name = `${'  '.repeat(depth)}${depth > 0 ? '└ ' : ''}${span.name}${error ? ' ✗' : ''}${links.length ? ` ↗${links.length}` : ''}`;
    return svg(
      'g',
      {
        class: `span${error ? ' error' : ''}${selected === span.spanId ? ' selected' : ''}`,
        'data-span-id': span.spanId,
        'data-service': span.service,
        onclick: () => onSelect?.(span),
      },
      svg(
        'title',
        {},
        `${span.service} ${span.name}\nstart ${fmtMs(span.startMs)}, ${fmtMs(span.durationMs)}, ${fmtUsd(span.costUsd)} (self)`,
      ),
      svg('rect', { x: 0, y, width, height: rowH, class: 'row-bg' }),
      svg('rect', { x: 4, y: y + 5, width: 6, height: rowH - 10, fill: colour(span.service) }),
      svg('text', { x: 16, y: y + 15, class: 'service' }, span.service),
      svg('text', { x: 110, y: y + 15, class: 'name' }, clip(name, 36)),
      svg('rect', { x: x0, y: y + 4, width: w, height: rowH - 8, rx: 2, fill: colour(span.service), class: 'bar' }),
      svg('rect', {
        x: labelW + timeW + 12,
        y: y + 8,
        height: rowH - 16,
        width: maxCost > 0 ? Math.max(1, (span.costUsd / maxCost) * 60) : 0,
        class: 'cost-bar',
      }),
      svg('text', { x: width - 4, y: y + 15, class: 'cost', 'text-anchor': 'end' }, fmtUsd(span.costUsd)),
    );
  });
  return svg(
    'svg',
    {
      class: 'waterfall',
      width,
      height: top + rows.length * rowH + 6,
      viewBox: `0 0 ${width} ${top + rows.length * rowH + 6}`,
    },
    svg('text', { x: 16, y: top - 8, class: 'tick' }, 'service'),
    svg('text', { x: 110, y: top - 8, class: 'tick' }, 'span'),
    svg('text', { x: width - 4, y: top - 8, class: 'tick', 'text-anchor': 'end' }, 'cost (self)'),
    ticks,
    body,
  );
}

const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Grouped horizontal bars: one row per item, one bar per measure (a share 0…1 or a count),
 * each with its figure. `measures`: [{key, label, colour, format}].
 */
export function groupedBars(items, measures, { label = (d) => d.label, max } = {}) {
  const [labelW, barW, barH, gap] = [190, 420, 13, 10];
  const rowH = measures.length * (barH + 2) + gap;
  const top = 4;
  const scale = max ?? Math.max(1e-12, ...items.flatMap((d) => measures.map((m) => d[m.key] ?? 0)));
  const rows = items.map((d, i) => {
    const y = top + i * rowH;
    return svg(
      'g',
      { class: 'bar-row', 'data-label': label(d) },
      svg('text', { x: labelW - 8, y: y + rowH / 2, class: 'label', 'text-anchor': 'end' }, clip(label(d), 26)),
      measures.map((m, j) => {
        const v = d[m.key] ?? 0;
        const w = Math.max(v > 0 ? 1 : 0, (v / scale) * barW);
        const by = y + j * (barH + 2);
        return [
          svg(
            'rect',
            { x: labelW, y: by, width: w, height: barH, fill: m.colour, class: 'bar' },
            svg('title', {}, `${m.label}: ${m.format(v)}`),
          ),
          svg('text', { x: labelW + w + 4, y: by + barH - 2, class: 'figure' }, `${m.format(v)} ${m.short ?? ''}`),
        ];
      }),
    );
  });
  const height = top + items.length * rowH;
  return svg(
    'svg',
    { class: 'bars', width: labelW + barW + 110, height, viewBox: `0 0 ${labelW + barW + 110} ${height}` },
    rows,
  );
}

/** A legend: coloured swatches with names. */
export function legend(entries) {
  return el(
    'div',
    { class: 'legend' },
    entries.map(({ name, colour: c }) =>
      el(
        'span',
        {},
        svg('svg', { width: 12, height: 12 }, svg('rect', { width: 12, height: 12, rx: 2, fill: c })),
        name,
      ),
    ),
  );
}

/**
 * Lines over time: series [{name, colour, points: [{x (ms since the epoch), y}]}], dots on the
 * points; `reference` draws a dashed level (e.g. ROAS 1, break-even); `onPoint(series, point)` on a click.
 */
export function lineChart(series, { yLabel = '', format = (v) => v.toFixed(2), reference, onPoint } = {}) {
  const [w, h, left, bottom, top, right] = [820, 270, 56, 28, 22, 30];
  const points = series.flatMap((s) => s.points);
  const [x0, x1] = [Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))];
  const y1 = Math.max(1e-9, reference?.y ?? 0, ...points.map((p) => p.y)) * 1.1;
  const sx = (v) => left + (x1 === x0 ? (w - left - right) / 2 : ((v - x0) / (x1 - x0)) * (w - left - right));
  const sy = (v) => top + (1 - v / y1) * (h - top - bottom);
  const time = (ms) => new Date(ms).toISOString().slice(11, 16);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => [
    svg('line', { x1: left, x2: w - right, y1: sy(f * y1), y2: sy(f * y1), class: 'grid' }),
    svg('text', { x: left - 6, y: sy(f * y1) + 4, class: 'tick', 'text-anchor': 'end' }, format(f * y1)),
  ]);
  const xTicks = (x1 === x0 ? [x0] : [0, 0.25, 0.5, 0.75, 1].map((f) => x0 + f * (x1 - x0))).map((v) =>
    svg('text', { x: sx(v), y: h - 8, class: 'tick', 'text-anchor': 'middle' }, time(v)),
  );
  const lines = series.map((s) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const c = s.colour;
    return svg(
      'g',
      { class: 'series', 'data-series': s.name },
      pts.length > 1
        ? svg('polyline', {
            points: pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' '),
            fill: 'none',
            stroke: c,
            'stroke-width': 2,
          })
        : null,
      pts.map((p) =>
        svg(
          'circle',
          { cx: sx(p.x), cy: sy(p.y), r: 4, fill: c, class: 'point', onclick: () => onPoint?.(s, p) },
          svg('title', {}, `${s.name} ${time(p.x)} UTC: ${format(p.y)}`),
        ),
      ),
    );
  });
  return svg(
    'svg',
    { class: 'line-chart', width: w, height: h, viewBox: `0 0 ${w} ${h}` },
    grid,
    xTicks,
    svg('text', { x: 4, y: 12, class: 'tick' }, yLabel),
    reference
      ? [
          svg('line', { x1: left, x2: w - right, y1: sy(reference.y), y2: sy(reference.y), class: 'reference' }),
          svg('text', { x: w - right, y: sy(reference.y) - 4, class: 'tick', 'text-anchor': 'end' }, reference.label),
        ]
      : null,
    lines,
  );
}
