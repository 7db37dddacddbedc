// `pnpm bench pipeline` (issue 14): the whole pipeline, every service its own process with OTLP
// export to the real warehouse (pipeline-services.ts), three times — every event traced, a 10 %
// sampling ratio, telemetry off — then the broker's own ceiling in the same run
// (ProducerPerformance at the pipeline's mean record size). Goals reported, not asserted.
import { availableParallelism, loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { producerCeiling } from './fixtures/producer-performance.ts';
import { type PipelineRun, runPipeline } from './pipeline-services.ts';
import type { BenchResult } from './run.ts';

const BACKLOG = Number(process.env.BENCH_PIPELINE_BACKLOG ?? 6_000);
const CEILING_RECORDS = 200_000;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Each mode's result as soon as it is done: a long run interrupted still says something. */
function reported(r: PipelineRun): PipelineRun {
  const { mode, eventsPerS, stages, latency, droppedSpans, spansPerSStored } = r;
  console.error(
    `bench pipeline: ${JSON.stringify({ mode, eventsPerS, stages, latency, droppedSpans, spansPerSStored })}`,
  );
  return r;
}

export default async function run(): Promise<BenchResult> {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('bench pipeline needs KAFKA_BROKERS (the runner sets it)');
  const kafka = new Kafka({ clientId: 'bench-pipeline', brokers: brokers.split(','), logLevel: logLevel.ERROR });
  const loadAtStart = loadavg()[0]!;
  const traced = reported(
    await runPipeline(kafka, brokers, { label: 'traced', sampleRatio: 1 }, { backlog: BACKLOG, latency: true }),
  );
  const sampled = reported(
    await runPipeline(
      kafka,
      brokers,
      { label: 'sampled 10 %', sampleRatio: 0.1 },
      { backlog: BACKLOG, latency: false },
    ),
  );
  const untraced = reported(
    await runPipeline(kafka, brokers, { label: 'untraced', sampleRatio: 'off' }, { backlog: BACKLOG, latency: false }),
  );
  const recordSize = Math.max(1, Math.round(traced.meanRecordBytes));
  console.error(`bench pipeline: broker ceiling at ${recordSize} B records (ProducerPerformance)`);
  const ceiling = await producerCeiling(kafka, brokers, recordSize, CEILING_RECORDS);
  const efficiency = (r: PipelineRun) => (r.eventsPerS * r.writesPerEvent) / ceiling.recordsPerS;

  const figures: Record<string, number> = {
    events_per_s_traced: round(traced.eventsPerS, 0),
    events_per_s_sampled_10: round(sampled.eventsPerS, 0),
    events_per_s_untraced: round(untraced.eventsPerS, 0),
    e2e_rate_events_per_s: round(traced.latency!.rate, 0),
    e2e_p50_ms: round(traced.latency!.p50Ms),
    e2e_p99_ms: round(traced.latency!.p99Ms),
    dropped_spans: traced.droppedSpans + sampled.droppedSpans,
    spans_per_s_stored: round(traced.spansPerSStored, 0),
    spans_per_event: round(traced.spansPerEvent, 1),
    topic_writes_per_event: round(traced.writesPerEvent, 2),
    mean_record_bytes: recordSize,
    broker_ceiling_records_per_s: round(ceiling.recordsPerS, 0),
    broker_ceiling_mb_per_s: ceiling.mbPerS,
    efficiency: round(efficiency(traced), 4),
    efficiency_untraced: round(efficiency(untraced), 4),
    load_average_1m_at_start: round(loadAtStart, 2),
    load_average_1m_after: round(loadavg()[0]!, 2),
  };
  const ratios = {
    traced_vs_untraced: round(traced.eventsPerS / untraced.eventsPerS, 2),
    sampled_10_vs_untraced: round(sampled.eventsPerS / untraced.eventsPerS, 2),
  };
  const stageNames = traced.stages.map((s) => s.stage);
  const row = (r: PipelineRun) =>
    `${r.mode.label.padEnd(14)}${r.stages.map((s) => round(s.eventsPerS, 0).toFixed(0).padStart(13)).join('')}${round(r.eventsPerS, 0).toFixed(0).padStart(10)}${round(r.writesPerEvent, 2).toFixed(2).padStart(11)}`;
  const table = [
    `The whole pipeline, every service a process, ${BACKLOG} requests of backlog per mode; events/s per stage (10 %–90 % of its share)`,
    `${'mode'.padEnd(14)}${stageNames.map((n) => n.padStart(13)).join('')}${'pipeline'.padStart(10)}${'writes/ev'.padStart(11)}`,
    row(traced),
    row(sampled),
    row(untraced),
    `input records per event: ${traced.stages.map((s) => `${s.stage} ${round(s.recordsPerEvent, 2)}`).join(', ')}`,
    `raw → impression committed at ${round(traced.latency!.rate, 0)} events/s (half the traced rate): p50 ${traced.latency!.p50Ms} ms, p99 ${traced.latency!.p99Ms} ms (${traced.latency!.n} impressions)`,
    `spans: ${round(traced.spansPerEvent, 1)} per event traced, stored at ${round(traced.spansPerSStored, 0)}/s; dropped ${figures.dropped_spans}`,
    `broker ceiling (ProducerPerformance, ${recordSize} B records, acks=all): ${round(ceiling.recordsPerS, 0)} records/s (${ceiling.mbPerS} MB/s); efficiency ${figures.efficiency} traced, ${figures.efficiency_untraced} untraced`,
    `load average ${round(loadAtStart, 1)} at start, ${round(loadavg()[0]!, 1)} after, on ${availableParallelism()} cores (shared machine)`,
    'goals (issue 14): ≥ 5,000 events/s at 10 % sampling with traced_vs_untraced ≥ 0.9 there; ≥ 2,000 events/s every event traced; 0 dropped spans',
  ].join('\n');
  return { table, figures, ratios };
}
