// `pnpm bench pipeline` (issue 14): the whole pipeline, every service its own process with OTLP
// export to the real warehouse (pipeline-services.ts), three times — every event traced, a 10 %
// sampling ratio, telemetry off — then the broker's own ceiling in the same run
// (ProducerPerformance at the pipeline's mean record size). Goals reported, not asserted.
import { availableParallelism, loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { producerCeiling } from './fixtures/producer-performance.ts';
import { type PipelineRun, runPipeline, type TelemetryMode } from './pipeline-services.ts';
import type { BenchResult } from './run.ts';

const BACKLOG = Number(process.env.BENCH_PIPELINE_BACKLOG ?? 6_000);
const CEILING_RECORDS = 200_000;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Each mode's result as soon as it is done: a long run interrupted still says something. */
function reported(r: PipelineRun): PipelineRun {
  const { mode, eventsPerS, stages, latency, droppedSpans, spansPerSStored, spansPerLoad, cpuSPer1000Events } = r;
  const { messagesPerChunk } = r;
  console.error(
    `bench pipeline: ${JSON.stringify({ mode, eventsPerS, stages, latency, droppedSpans, spansPerSStored, spansPerLoad, cpuSPer1000Events, messagesPerChunk })}`,
  );
  return r;
}

const MODES = {
  traced: { label: 'traced', sampleRatio: 1 },
  sampled: { label: 'sampled 10 %', sampleRatio: 0.1 },
  untraced: { label: 'untraced', sampleRatio: 'off' },
  // Diagnosis only (not in the default run): the telemetry on, nothing sampled — what the
  // machinery costs every event (propagation, metrics, the SDK's checks) without recording.
  unsampled: { label: 'sampled 0 %', sampleRatio: 0 },
} as const satisfies Record<string, TelemetryMode>;
type ModeName = keyof typeof MODES;
const DEFAULT_MODES: readonly ModeName[] = ['traced', 'sampled', 'untraced'];

/** BENCH_PIPELINE_MODES=traced,untraced runs only those (default traced, sampled, untraced, then the broker's ceiling). */
function wantedModes(): Set<ModeName> {
  const named = (process.env.BENCH_PIPELINE_MODES ?? DEFAULT_MODES.join(','))
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const unknown = named.filter((m) => !(m in MODES));
  if (unknown.length > 0) {
    throw new Error(`BENCH_PIPELINE_MODES: unknown ${unknown.join(', ')}; modes are ${Object.keys(MODES).join(', ')}`);
  }
  return new Set(named as ModeName[]);
}

export default async function run(): Promise<BenchResult> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('bench pipeline needs KAFKA_BROKERS (the runner sets it)');
  const kafka = new Kafka({ clientId: 'bench-pipeline', brokers: brokers.split(','), logLevel: logLevel.ERROR });
  const loadAtStart = loadavg()[0]!;
  const modes = wantedModes();
  const runs: Partial<Record<ModeName, PipelineRun>> = {};
  for (const name of Object.keys(MODES) as ModeName[]) {
    if (!modes.has(name)) continue;
    runs[name] = reported(
      await runPipeline(kafka, brokers, MODES[name], { backlog: BACKLOG, latency: name === 'traced' }),
    );
  }
  const { traced, sampled, untraced, unsampled } = runs;
  // The broker's ceiling only in the full run (every mode): a partial run is for diagnosis.
  const ceiling = traced && sampled && untraced ? await brokerCeiling(kafka, brokers, traced) : undefined;
  const efficiency = (r: PipelineRun) => (ceiling ? (r.eventsPerS * r.writesPerEvent) / ceiling.recordsPerS : NaN);

  const figures: Record<string, number> = {
    ...(traced && {
      events_per_s_traced: round(traced.eventsPerS, 0),
      // Its two bounds: the slowest service stage, and the warehouse storing the spans.
      events_per_s_traced_services: round(traced.servicesEventsPerS, 0),
      events_per_s_traced_whole_backlog: round(traced.wholeBacklogEventsPerS, 0),
      events_per_s_traced_spans_stored: round(traced.storedEventsPerS, 0),
      spans_stored_after_services_ms_traced: round(traced.storedAfterServicesMs, 0),
      e2e_rate_events_per_s: round(traced.latency!.rate, 0),
      e2e_p50_ms: round(traced.latency!.p50Ms),
      e2e_p99_ms: round(traced.latency!.p99Ms),
      ...Object.fromEntries(
        Object.entries(traced.latency!.cpuSPer1000Events).map(([n, v]) => [
          `e2e_cpu_s_per_1000_events_${n}`,
          round(v, 2),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(traced.latency!.handledToCommittedMs).map(([n, v]) => [
          `e2e_handled_to_committed_ms_${n}`,
          round(v, 1),
        ]),
      ),
      ...completeness('traced', traced),
      spans_per_s_stored: round(traced.spansPerSStored, 0),
      spans_per_event: round(traced.spansPerEvent, 1),
      spans_per_warehouse_load: round(traced.spansPerLoad, 0),
      topic_writes_per_event: round(traced.writesPerEvent, 2),
      mean_record_bytes: Math.max(1, Math.round(traced.meanRecordBytes)),
      ...(ceiling && { efficiency: round(efficiency(traced), 4) }),
      ...cpuFigures('traced', traced),
    }),
    ...(sampled && {
      events_per_s_sampled_10: round(sampled.eventsPerS, 0),
      events_per_s_sampled_10_services: round(sampled.servicesEventsPerS, 0),
      events_per_s_sampled_10_whole_backlog: round(sampled.wholeBacklogEventsPerS, 0),
      events_per_s_sampled_10_spans_stored: round(sampled.storedEventsPerS, 0),
      spans_stored_after_services_ms_sampled_10: round(sampled.storedAfterServicesMs, 0),
      ...completeness('sampled_10', sampled),
      ...cpuFigures('sampled_10', sampled),
    }),
    ...(untraced && {
      events_per_s_untraced: round(untraced.eventsPerS, 0),
      events_per_s_untraced_whole_backlog: round(untraced.wholeBacklogEventsPerS, 0),
      ...(ceiling && { efficiency_untraced: round(efficiency(untraced), 4) }),
      ...cpuFigures('untraced', untraced),
    }),
    ...(ceiling && {
      broker_ceiling_records_per_s: round(ceiling.recordsPerS, 0),
      broker_ceiling_mb_per_s: ceiling.mbPerS,
    }),
    dropped_spans: (traced?.droppedSpans ?? 0) + (sampled?.droppedSpans ?? 0),
    load_average_1m_at_start: round(loadAtStart, 2),
    load_average_1m_after: round(loadavg()[0]!, 2),
  };
  const ratios: Record<string, number> = {
    ...(traced && untraced && { traced_vs_untraced: round(traced.eventsPerS / untraced.eventsPerS, 2) }),
    ...(sampled && untraced && { sampled_10_vs_untraced: round(sampled.eventsPerS / untraced.eventsPerS, 2) }),
  };
  const done = [traced, sampled, unsampled, untraced].filter((r): r is PipelineRun => r !== undefined);
  const stageNames = done[0]!.stages.map((s) => s.stage);
  const processNames = Object.keys(done[0]!.cpuSPer1000Events);
  // In brackets when the warehouse kept up (no bound): its rate then only followed the spans' arrival.
  const stored = (r: PipelineRun) =>
    !Number.isFinite(r.storedEventsPerS)
      ? '—'
      : r.warehouseBehind
        ? round(r.storedEventsPerS, 0).toFixed(0)
        : `(${round(r.storedEventsPerS, 0).toFixed(0)})`;
  const row = (r: PipelineRun) =>
    `${r.mode.label.padEnd(14)}${r.stages.map((s) => round(s.eventsPerS, 0).toFixed(0).padStart(13)).join('')}${stored(r).padStart(14)}${round(r.eventsPerS, 0).toFixed(0).padStart(10)}${round(r.wholeBacklogEventsPerS, 0).toFixed(0).padStart(8)}${round(r.writesPerEvent, 2).toFixed(2).padStart(11)}`;
  const lagRow = (r: PipelineRun) =>
    `${r.mode.label.padEnd(14)}${r.stages.map((s) => String(s.maxLag).padStart(13)).join('')}`;
  const cpuRow = (r: PipelineRun) => {
    const values = processNames.map((n) => r.cpuSPer1000Events[n]!);
    const total = values.reduce((a, b) => a + b, 0);
    const broker = r.brokerCpuSPer1000Events;
    return `${r.mode.label.padEnd(14)}${values.map((v) => v.toFixed(2).padStart(13)).join('')}${total.toFixed(2).padStart(10)}${(broker === undefined ? '—' : broker.toFixed(2)).padStart(10)}`;
  };
  const table = [
    `The whole pipeline, every service a process, ${BACKLOG} requests of backlog per mode; events/s per stage (10 %–90 % of its share; spans stored: the warehouse's, 10 %–90 % of the backlog's spans, a bound only when it fell behind — spans dropped or stored > 2 s after the last stage — and in brackets otherwise); pipeline: the lowest; whole: the backlog ÷ its first request produced → the last stage through, fill and drain included`,
    `${'mode'.padEnd(14)}${stageNames.map((n) => n.padStart(13)).join('')}${'spans stored'.padStart(14)}${'pipeline'.padStart(10)}${'whole'.padStart(8)}${'writes/ev'.padStart(11)}`,
    ...done.map(row),
    'largest consumer lag during the backlog, input records',
    ...done.map(lagRow),
    "CPU seconds per 1,000 events, per process (user + system, backlog in → through and its spans stored; all: the pipeline's processes; broker: the local broker, with whatever else used it meanwhile)",
    `${'mode'.padEnd(14)}${processNames.map((n) => n.padStart(13)).join('')}${'all'.padStart(10)}${'broker'.padStart(10)}`,
    ...done.map(cpuRow),
    ...done
      .filter((r) => Object.keys(r.messagesPerChunk).length > 0)
      .map(
        (r) =>
          `messages per committed chunk (${r.mode.label}): ${Object.entries(r.messagesPerChunk)
            .map(([n, v]) => `${n} ${round(v, 1)}`)
            .join(', ')}`,
      ),
    `input records per event: ${done[0]!.stages.map((s) => `${s.stage} ${round(s.recordsPerEvent, 2)}`).join(', ')}`,
    ...(traced
      ? [
          `raw → impression committed at ${round(traced.latency!.rate, 0)} events/s (${process.env.BENCH_PIPELINE_E2E_RATE ? 'BENCH_PIPELINE_E2E_RATE' : 'half the traced rate'}): p50 ${traced.latency!.p50Ms} ms, p99 ${traced.latency!.p99Ms} ms (${traced.latency!.n} impressions); a message's handling → its chunk's commit, mean ms: ${Object.entries(
            traced.latency!.handledToCommittedMs,
          )
            .map(([n, v]) => `${n} ${round(v, 1)}`)
            .join(', ')}`,
          `spans: ${round(traced.spansPerEvent, 1)} per event traced, stored at ${round(traced.spansPerSStored, 0)}/s, ${round(traced.spansPerLoad, 0)} per warehouse transaction; dropped ${figures.dropped_spans}`,
        ]
      : []),
    ...done
      .filter((r) => r.traces)
      .map(
        (r) =>
          `complete traces (${r.mode.label}): ${r.traces!.complete} of the ${r.traces!.sampled} requests ingest sampled hold every stage their outcome implies`,
      ),
    ...(ceiling
      ? [
          `broker ceiling (ProducerPerformance, ${figures.mean_record_bytes} B records, acks=all): ${round(ceiling.recordsPerS, 0)} records/s (${ceiling.mbPerS} MB/s); efficiency ${figures.efficiency} traced, ${figures.efficiency_untraced ?? '—'} untraced`,
        ]
      : []),
    `load average ${round(loadAtStart, 1)} at start, ${round(loadavg()[0]!, 1)} after, on ${availableParallelism()} cores (shared machine)`,
    'goals (issue 14): ≥ 5,000 events/s at 10 % sampling with every sampled trace complete and traced_vs_untraced ≥ 0.9 there; ≥ 2,000 events/s every event traced and stored; 0 dropped spans',
  ].join('\n');
  return { table, figures, ratios };
}

/** `traces_sampled_<mode>` and `complete_traces_<mode>` (the share of them complete; goal 1). */
function completeness(mode: string, r: PipelineRun): Record<string, number> {
  if (!r.traces) return {};
  const { sampled, complete } = r.traces;
  return {
    [`traces_sampled_${mode}`]: sampled,
    [`complete_traces_${mode}`]: sampled === 0 ? 0 : round(complete / sampled, 4),
  };
}

async function brokerCeiling(kafka: Kafka, brokers: string, traced: PipelineRun) {
  const recordSize = Math.max(1, Math.round(traced.meanRecordBytes));
  console.error(`bench pipeline: broker ceiling at ${recordSize} B records (ProducerPerformance)`);
  return producerCeiling(kafka, brokers, recordSize, CEILING_RECORDS);
}

/** cpu_s_per_1000_events_<mode>_<process>, and _all: the whole pipeline's CPU per 1,000 events. */
function cpuFigures(mode: string, r: PipelineRun): Record<string, number> {
  const entries = Object.entries(r.cpuSPer1000Events);
  return Object.fromEntries([
    ...entries.map(([n, v]) => [`cpu_s_per_1000_events_${mode}_${n}`, round(v, 2)]),
    [
      `cpu_s_per_1000_events_${mode}_all`,
      round(
        entries.reduce((a, [, v]) => a + v, 0),
        2,
      ),
    ],
    ...(r.brokerCpuSPer1000Events === undefined
      ? []
      : [[`cpu_s_per_1000_events_${mode}_broker`, round(r.brokerCpuSPer1000Events, 2)]]),
  ]);
}
