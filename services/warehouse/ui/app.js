// The web view: reads the warehouse service's query API (same origin) and draws it.
// `#trace/<id>` opens a waterfall (event id, OpenRTB request id or trace id).
import {
  el,
  fmtMs,
  fmtPct,
  fmtUsd,
  groupedBars,
  legend,
  lineChart,
  linksOf,
  seriesColour,
  serviceColours,
  waterfall,
} from './draw.js';

const $ = (id) => document.getElementById(id);

async function api(path) {
  const res = await fetch(`/api/${path}`);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** Replaces a panel's content; a failed query shows its message in the panel, not a blank. */
async function panel(id, draw) {
  const target = $(id);
  try {
    target.replaceChildren(
      ...[await draw()].flat(Number.POSITIVE_INFINITY).filter((c) => c !== null && c !== undefined),
    );
    target.classList.remove('failed');
  } catch (err) {
    target.replaceChildren(el('p', { class: 'error' }, String(err.message ?? err)));
    target.classList.add('failed');
  }
}

const traceLink = (id, text = id) => el('a', { href: `#trace/${encodeURIComponent(id)}`, class: 'trace-link' }, text);

// ---- the trace waterfall

async function showTrace(id) {
  $('lookup-id').value = id;
  document.body.dataset.trace = 'loading';
  await panel('trace-body', async () => {
    const trace = await api(`traces/${encodeURIComponent(id)}`);
    const total = trace.spans.reduce((sum, s) => sum + s.costUsd, 0);
    const end = Math.max(...trace.spans.map((s) => s.startMs + s.durationMs));
    const details = el('div', { id: 'span-details', class: 'details' }, 'Click a span for its attributes.');
    const select = (span) => {
      for (const g of document.querySelectorAll('.waterfall .span'))
        g.classList.toggle('selected', g.dataset.spanId === span.spanId);
      details.replaceChildren(spanDetails(span));
    };
    const colours = serviceColours(trace.spans.map((s) => s.service));
    const flushes = trace.spans.filter((s) => linksOf(s).length > 0);
    return [
      el(
        'p',
        { class: 'ids' },
        `trace ${trace.traceId}`,
        trace.eventId ? ` · event ${trace.eventId}` : '',
        trace.requestId ? ` · request ${trace.requestId}` : '',
        ` · ${trace.spans.length} spans · ${fmtMs(end)} · ${fmtUsd(total)} in all · found by ${trace.foundBy}`,
      ),
      legend([...colours].map(([name, colour]) => ({ name, colour }))),
      el('div', { id: 'waterfall', class: 'scroll' }, waterfall(trace, { onSelect: select })),
      flushes.map((s) =>
        el(
          'div',
          { class: 'links', 'data-span-id': s.spanId },
          el(
            'h3',
            {},
            `${s.name} (${s.service}) serves ${s.attributes['adtrace.links.total'] ?? linksOf(s).length} events`,
          ),
          Number(s.attributes['adtrace.links.dropped'] ?? 0) > 0
            ? el(
                'p',
                { class: 'note' },
                `${s.attributes['adtrace.links.dropped']} of them beyond the link limit, not shown`,
              )
            : null,
          el(
            'ul',
            {},
            linksOf(s).map((l) => el('li', {}, traceLink(l.traceId, `trace ${l.traceId}`), ` span ${l.spanId}`)),
          ),
        ),
      ),
      trace.otherTraceIds?.length
        ? el(
            'p',
            { class: 'note' },
            'Also carried by traces: ',
            trace.otherTraceIds.map((t) => [traceLink(t), ' ']),
          )
        : null,
      details,
    ];
  });
  document.body.dataset.trace = $('trace-body').classList.contains('failed') ? 'failed' : 'shown';
}

function spanDetails(span) {
  const rows = [
    ['service', span.service],
    ['span', `${span.name} (${span.kind})`],
    ['span id', span.spanId],
    ['start', `+${fmtMs(span.startMs)} (${new Date(span.startTimeUnixMs).toISOString()})`],
    ['duration', fmtMs(span.durationMs)],
    [
      'cost (self)',
      `${fmtUsd(span.costUsd)}: compute ${fmtUsd(span.computeUsd)}, Kafka ${fmtUsd(span.kafkaUsd)}, queries ${fmtUsd(span.queryUsd)}`,
    ],
    ['status', `${span.statusCode}${span.statusMessage ? `: ${span.statusMessage}` : ''}`],
    ...Object.entries(span.attributes)
      .filter(([k]) => k !== 'otel.links')
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ];
  return el(
    'table',
    {},
    rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))),
  );
}

// ---- the summaries

async function stages() {
  const report = await api('cost');
  if (report.stages.length === 0) return el('p', { class: 'empty' }, 'No spans of ad events yet.');
  return [
    el(
      'p',
      { class: 'ids' },
      `${report.events.toLocaleString()} events · end to end p50 ${fmtMs(report.endToEndP50Ms)}, p99 ${fmtMs(report.endToEndP99Ms)} · ${fmtUsd(report.costPer1000EventsUsd)} per 1,000 events`,
    ),
    legend([
      { name: 'share of latency', colour: '#4e79a7' },
      { name: 'share of cost', colour: '#f28e2b' },
    ]),
    groupedBars(
      report.stages.map((s) => ({ ...s, label: s.stage })),
      [
        { key: 'latencyShare', label: 'share of latency', colour: '#4e79a7', format: fmtPct },
        { key: 'costShare', label: 'share of cost', colour: '#f28e2b', format: fmtPct },
      ],
      { max: 1 },
    ),
    el(
      'table',
      { class: 'numbers' },
      el(
        'tr',
        {},
        ['stage', 'p50', 'p99', 'cost / 1,000 events'].map((h) => el('th', {}, h)),
      ),
      report.stages.map((s) =>
        el(
          'tr',
          {},
          el('td', {}, s.stage),
          el('td', {}, fmtMs(s.latencyP50Ms)),
          el('td', {}, fmtMs(s.latencyP99Ms)),
          el('td', {}, fmtUsd(s.costPer1000EventsUsd)),
        ),
      ),
    ),
  ];
}

const TOP_CAMPAIGNS = 8;

async function roas() {
  const { windows } = await api('roas?limit=5000');
  const withRoas = windows.filter((w) => w.roas !== null);
  if (withRoas.length === 0) return el('p', { class: 'empty' }, 'No ROAS windows yet.');
  const spend = new Map();
  for (const w of windows) spend.set(w.campaignId, (spend.get(w.campaignId) ?? 0) + w.spendMicros);
  const top = [...spend].sort((a, b) => b[1] - a[1]).slice(0, TOP_CAMPAIGNS);
  const series = top
    .map(([campaignId]) => ({
      name: campaignId,
      points: withRoas.filter((w) => w.campaignId === campaignId).map((w) => ({ x: w.windowStartMs, y: w.roas })),
    }))
    .filter((s) => s.points.length > 0)
    .map((s, i) => ({ ...s, colour: seriesColour(i) }));
  const said = el(
    'p',
    { id: 'roas-flush', class: 'note' },
    'Click a point for the flush span of its window, linked to its events.',
  );
  // A window's figure → its ads.aggregate.flush trace (latest emission), whose links lead to the events.
  const openFlush = async (s, p) => {
    try {
      const { traceIds } = await api(`flushes?campaignId=${encodeURIComponent(s.name)}&windowStartMs=${p.x}`);
      if (traceIds.length > 0) location.hash = `trace/${traceIds[0]}`;
      else
        said.textContent = `No flush span for ${s.name} at ${new Date(p.x).toISOString()} (not sampled, or not yet stored).`;
    } catch (err) {
      said.textContent = String(err.message ?? err);
    }
  };
  return [
    el(
      'p',
      { class: 'note' },
      `The ${series.length} campaigns that spent most; revenue ÷ spend per window (start, UTC).`,
    ),
    legend(series),
    lineChart(series, { yLabel: 'ROAS', reference: { y: 1, label: 'break-even' }, onPoint: openFlush }),
    said,
  ];
}

async function noFills() {
  const report = await api('no-fill');
  if (report.outcomes === 0) return el('p', { class: 'empty' }, 'No auctions yet.');
  return [
    el(
      'p',
      { class: 'ids' },
      `${fmtPct(report.noFillRate)} of ${report.outcomes.toLocaleString()} imps not filled (${report.wins.toLocaleString()} won)`,
    ),
    el(
      'p',
      { class: 'note' },
      "Every auction outcome (auction_outcomes table, not sampled): one per imp, a win or a no-fill with the auction's reason code.",
    ),
    groupedBars(
      report.reasons.map((r) => ({ ...r, label: r.reason })),
      [{ key: 'count', label: 'imps', colour: '#e15759', format: (v) => v.toLocaleString(), short: 'imps' }],
    ),
  ];
}

async function deadLetters() {
  const { deadLetters: rows } = await api('dead-letters?limit=500');
  if (rows.length === 0) return el('p', { class: 'empty' }, 'No dead letters.');
  const counts = new Map();
  for (const d of rows) {
    const key = `${d.stage ?? '?'} · ${d.code ?? '?'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const byReason = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  return [
    el('p', { class: 'note' }, `The newest ${rows.length}, by stage and code:`),
    groupedBars(byReason, [
      { key: 'count', label: 'dead letters', colour: '#b07aa1', format: (v) => v.toLocaleString() },
    ]),
    el(
      'table',
      { class: 'numbers dead-letters' },
      el(
        'tr',
        {},
        ['when', 'stage', 'code', 'reason', 'from', 'trace'].map((h) => el('th', {}, h)),
      ),
      rows
        .slice(0, 25)
        .map((d) =>
          el(
            'tr',
            {},
            el('td', {}, d.deadLetteredAtMs ? new Date(d.deadLetteredAtMs).toISOString().slice(0, 19) : ''),
            el('td', {}, d.stage ?? ''),
            el('td', {}, d.code ?? ''),
            el('td', { class: 'reason' }, d.reason ?? ''),
            el('td', {}, `${d.originalTopic ?? '?'}[${d.originalPartition ?? '?'}]@${d.originalOffset ?? '?'}`),
            el('td', {}, d.traceId ? traceLink(d.traceId, d.eventId ?? d.traceId.slice(0, 12)) : (d.eventId ?? '')),
          ),
        ),
    ),
  ];
}

async function summaries() {
  await Promise.all([
    panel('stages-body', stages),
    panel('roas-body', roas),
    panel('no-fills-body', noFills),
    panel('dead-letters-body', deadLetters),
  ]);
  document.body.dataset.summaries = 'shown';
}

// ---- navigation

function route() {
  const match = /^#trace\/(.+)$/.exec(location.hash);
  if (match) showTrace(decodeURIComponent(match[1]));
}

$('lookup').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = $('lookup-id').value.trim();
  if (id) location.hash = `trace/${encodeURIComponent(id)}`;
});
$('refresh').addEventListener('click', () => summaries());
window.addEventListener('hashchange', route);
route();
summaries();
