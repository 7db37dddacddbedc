// The whole pipeline as users run it, for `pnpm bench pipeline`: the warehouse (OTLP receiver,
// DuckDB in a temp dir, its loader on) and ingest → profiling → auction → delivery → tracking →
// aggregation, each its own process with the telemetry preload (services started as
// serving-services.ts starts them), on topics and groups of their own, after the demo catalog
// and the demo users' segments are published. One run per telemetry mode (every event traced,
// 10 % sampled, telemetry off), fresh topics and processes each time.
//
// Throughput: a backlog of OpenRTB JSON requests; each stage's progress is the count of its
// input records below its group's committed offset (a read_committed watcher records every
// input record's offset, so transaction markers are not counted as records). A stage's rate is
// taken between 10 % and 90 % of its share of the backlog and converted to events (÷ its input
// records per event); the pipeline's sustained rate is the slowest stage's: faster than that,
// that stage's lag grows without bound.

import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUserKeyer, deriveEventId, generateDemoCatalog, generateDemoUsers } from '@adtrace/ads';
import { createCodec, RecordNames } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { SampledRequests, type TraceCompleteness, traceCompleteness } from './complete-traces.ts';
import { listenerPid, processCpuSeconds } from './listener-pid.ts';
import { rateBetween } from './rate.ts';
import { freePort, openRtb, scrapeDropped, start, until } from './serving-services.ts';
import { StoredSpans, type StoredSpansSummary, sustainedEventsPerS } from './stored-spans.ts';

const WARMUP = 400;
const LATENCY_SECONDS = 10;
/** The runtime's histogram of a message's handling start → its chunk's commit (Prometheus name). */
const HANDLED_TO_COMMITTED = 'adtrace_stream_processing_duration';
/** BENCH_PIPELINE_E2E_RATE: the paced rate of the latency phase (events/s), instead of half the backlog's. */
const E2E_RATE = Number(process.env.BENCH_PIPELINE_E2E_RATE ?? '') || undefined;

/** Each stage, the input whose records count its progress, and what it writes. */
const STAGES = [
  { name: 'ingest', input: 'raw' },
  { name: 'profiling', input: 'requests' },
  { name: 'auction', input: 'profiled' },
  { name: 'delivery', input: 'outcomes' },
  { name: 'tracking', input: 'impressions' },
  { name: 'aggregation', input: 'attributed' },
] as const;
type Stage = (typeof STAGES)[number]['name'];

export type TelemetryMode = { readonly label: string; readonly sampleRatio: number | 'off' };

export interface StageRate {
  readonly stage: Stage;
  /** Input records per backlog event (imps per event for delivery, wins per event for tracking…). */
  readonly recordsPerEvent: number;
  readonly eventsPerS: number;
  /** The most input records seen but not yet committed at once during the backlog. */
  readonly maxLag: number;
}

export interface PipelineRun {
  readonly mode: TelemetryMode;
  readonly backlog: number;
  /**
   * What the pipeline sustains with its lag bounded: the slowest service stage's rate, or
   * `storedEventsPerS` if lower when the warehouse fell behind (`warehouseBehind`): every event
   * traced *and stored*.
   */
  readonly eventsPerS: number;
  readonly stages: readonly StageRate[];
  /** The slowest service stage's rate alone (`eventsPerS` before the warehouse is counted). */
  readonly servicesEventsPerS: number;
  /**
   * The backlog ÷ the time from its first request produced to the last stage's last record
   * committed. A backlog's stages partly run one after the other (each drains what the one before
   * queued), so a stage's own 10 %–90 % rate can be its rate nearly alone on the machine; this one,
   * fill and drain included, cannot overstate what the services sustain together.
   */
  readonly wholeBacklogEventsPerS: number;
  /**
   * The warehouse as a stage: events per second whose spans were stored, between 10 % and 90 %
   * of the backlog's spans (spansPerSStored ÷ spansPerEvent). Spans waiting in the services'
   * export queues are not stored yet, and over a longer run the queues fill and drop them
   * (bench/README.md, "pipeline: the warehouse is a stage"). Infinity with telemetry off.
   */
  readonly storedEventsPerS: number;
  /** Spans dropped, or stored more than WAREHOUSE_SLACK_MS after the last stage: then storedEventsPerS bounds eventsPerS. */
  readonly warehouseBehind: boolean;
  /** From the last stage's last commit to the last span stored, ms. */
  readonly storedAfterServicesMs: number;
  /** Offsets written to every topic of the run (records, changelogs, transaction markers) per event. */
  readonly writesPerEvent: number;
  /** Mean key + value + header bytes of the records the watcher read (the pipeline's topics). */
  readonly meanRecordBytes: number;
  /** Spans the warehouse inserted per second, between 10 % and 90 % of the backlog's spans stored. */
  readonly spansPerSStored: number;
  readonly spansPerEvent: number;
  /** Spans per warehouse transaction of the OTLP receiver (its group commit's batch). */
  readonly spansPerLoad: number;
  /** Spans the services' batch processors dropped or failed to export (their Prometheus counter). */
  readonly droppedSpans: number;
  /**
   * The requests ingest sampled over the warm-up and the backlog, and how many of their traces
   * hold the spans of every stage their outcome implies, once the spans are stored
   * (complete-traces.ts). Undefined untraced.
   */
  readonly traces?: TraceCompleteness;
  /**
   * Messages per committed chunk (each one transaction: 5 round trips), per service, over its
   * life (the backlog is nearly all of it): their `adtrace.stream.chunk.messages` histogram.
   * Empty untraced (no metrics endpoint then).
   */
  readonly messagesPerChunk: Readonly<Record<string, number>>;
  /**
   * CPU seconds (user + system, every thread, from /proc/<pid>/stat) each process spent per
   * 1,000 backlog events: from just before the backlog until it was through and its spans stored.
   */
  readonly cpuSPer1000Events: Readonly<Record<string, number>>;
  /**
   * The same for the broker, when it listens on this machine (not counted in the pipeline's
   * processes: anything else using the broker meanwhile is in it too).
   */
  readonly brokerCpuSPer1000Events: number | undefined;
  /** Raw request produced → its first impression read committed, paced at half eventsPerS. */
  readonly latency?: {
    readonly rate: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly n: number;
    /** Per stage, during the paced phase: mean ms from a message's handling to its chunk's commit. */
    readonly handledToCommittedMs: Readonly<Record<string, number>>;
    /**
     * CPU seconds per 1,000 paced events, from the first paced send to the drain: each of the
     * pipeline's processes, `pipeline` for all of them, and `broker` when it runs on this machine.
     * At a paced rate a transaction carries a few records, so per-transaction costs show here.
     */
    readonly cpuSPer1000Events: Readonly<Record<string, number>>;
  };
}

export async function runPipeline(
  kafka: Kafka,
  brokers: string,
  mode: TelemetryMode,
  options: { backlog: number; latency: boolean },
): Promise<PipelineRun> {
  const run = randomUUID().slice(0, 8);
  const names = [
    'raw',
    'requests',
    'profiled',
    'outcomes',
    'impressions',
    'userEvents',
    'rekeyed',
    'attributed',
    'roas',
    'spend',
    'alerts',
    'late',
    'campaigns',
    'segments',
    'rawDlq',
    'dlq',
  ];
  const t = Object.fromEntries(names.map((l) => [l, `bench.pipeline.${l}.${run}`])) as Record<string, string>;
  const compacted = new Set(['campaigns', 'segments', 'spend']);
  const admin = kafka.admin();
  await admin.connect();
  // On a loaded broker kafkajs's wait for leaders can fail with UNKNOWN_TOPIC_OR_PARTITION after
  // the topics were created (it ended a whole run once): ask again, creating only what is missing.
  await until('the topics', async () => {
    const existing = new Set(await admin.listTopics());
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.entries(t)
        .filter(([, topic]) => !existing.has(topic))
        .map(([l, topic]) => ({
          topic,
          numPartitions: 3,
          configEntries: compacted.has(l) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(t) });
    return topics.every((m) => m.partitions.length === 3 && m.partitions.every((p) => p.leader >= 0))
      ? true
      : undefined;
  });
  const secret = randomBytes(32).toString('hex');
  const tokenKeys = `bench=${randomBytes(32).toString('hex')}`;
  const keyOf = createUserKeyer(secret);
  const users = generateDemoUsers();
  const producer = kafka.producer();
  await producer.connect();
  const campaignCodec = createCodec(RecordNames.Campaign);
  const segmentsCodec = createCodec(RecordNames.UserSegments);
  await producer.send({
    topic: t.campaigns!,
    messages: generateDemoCatalog().map((c) => ({ key: c.id, value: campaignCodec.encode(c) })),
  });
  await producer.send({
    topic: t.segments!,
    messages: users.map((u) => {
      const userKey = keyOf({ userId: u.userId }, '').key;
      return { key: userKey, value: segmentsCodec.encode({ ...u.segments, userKey }) };
    }),
  });

  const dir = mkdtempSync(join(tmpdir(), 'adtrace-bench-pipeline-'));
  // Each service's log (JSON lines on stdout), kept after the run: bench/results is not committed.
  const logs = join(import.meta.dirname, 'results', 'pipeline-logs', run);
  mkdirSync(logs, { recursive: true });
  const [otlpPort, apiPort] = [await freePort(), await freePort()];
  const telemetry: Record<string, string> =
    mode.sampleRatio === 'off'
      ? { OTEL_SDK_DISABLED: 'true' }
      : {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
          ADTRACE_TRACE_SAMPLE_RATIO: String(mode.sampleRatio),
        };
  const shared = { KAFKA_BROKERS: brokers, INGEST_USER_KEY_SECRET: secret, DELIVERY_TOKEN_KEYS: tokenKeys };
  const groups = Object.fromEntries(STAGES.map(({ name }) => [name, `bench-${name}-${run}`])) as Record<Stage, string>;
  const children: ChildProcess[] = [];
  const childNames: string[] = [];
  const metricsPorts: number[] = [];
  try {
    childNames.push('warehouse');
    children.push(
      start(
        'warehouse',
        {
          ...shared,
          // The warehouse exports its own spans to itself, whatever the services do.
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
          ADTRACE_TRACE_SAMPLE_RATIO: mode.sampleRatio === 'off' ? '0' : String(mode.sampleRatio),
          WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
          WAREHOUSE_OTLP_PORT: String(otlpPort),
          WAREHOUSE_API_PORT: String(apiPort),
          WAREHOUSE_LOADER_GROUP: `bench-warehouse-${run}`,
          WAREHOUSE_LOADER_ATTRIBUTED_TOPIC: t.attributed!,
          WAREHOUSE_LOADER_ROAS_TOPIC: t.roas!,
          WAREHOUSE_LOADER_DEAD_LETTER_TOPIC: t.dlq!,
          WAREHOUSE_LOADER_RAW_DEAD_LETTER_TOPIC: t.rawDlq!,
          // Every topic it loads the run's own: the shared adtrace.* topics may not exist on the
          // broker, and a fresh group would read all their history into this run's warehouse.
          WAREHOUSE_LOADER_IMPRESSIONS_TOPIC: t.impressions!,
          WAREHOUSE_LOADER_AUCTION_OUTCOMES_TOPIC: t.outcomes!,
          WAREHOUSE_LOADER_ALERTS_TOPIC: t.alerts!,
          WAREHOUSE_LOADER_LATE_TOPIC: t.late!,
          WAREHOUSE_LOADER_CAMPAIGNS_TOPIC: t.campaigns!,
          ...profiled('warehouse', logs),
        },
        join(logs, 'warehouse.log'),
      ),
    );
    const warehouseHealth = async () =>
      (await (await fetch(`http://127.0.0.1:${apiPort}/api/health`)).json()) as {
        spans: { spansInserted: number; queuedSpans: number; loads: number };
      };
    await until('the warehouse', warehouseHealth, 300_000);
    const own: Record<Stage, Record<string, string>> = {
      ingest: {
        INGEST_RAW_TOPIC: t.raw!,
        INGEST_REQUESTS_TOPIC: t.requests!,
        INGEST_DEAD_LETTER_TOPIC: t.rawDlq!,
      },
      profiling: {
        PROFILING_REQUESTS_TOPIC: t.requests!,
        PROFILING_PROFILED_TOPIC: t.profiled!,
        PROFILING_SEGMENTS_TOPIC: t.segments!,
        PROFILING_DEAD_LETTER_TOPIC: t.dlq!,
      },
      auction: {
        AUCTION_REQUESTS_TOPIC: t.profiled!,
        AUCTION_IMPRESSIONS_TOPIC: t.impressions!,
        AUCTION_OUTCOMES_TOPIC: t.outcomes!,
        AUCTION_CAMPAIGNS_TOPIC: t.campaigns!,
        AUCTION_SPEND_TOPIC: t.spend!,
        AUCTION_DEAD_LETTER_TOPIC: t.dlq!,
      },
      delivery: {
        DELIVERY_OUTCOMES_TOPIC: t.outcomes!,
        DELIVERY_IMPRESSIONS_TOPIC: t.impressions!,
        DELIVERY_CAMPAIGNS_TOPIC: t.campaigns!,
        DELIVERY_DEAD_LETTER_TOPIC: t.dlq!,
      },
      tracking: {
        TRACKING_RAW_TOPIC: t.userEvents!,
        TRACKING_REKEYED_TOPIC: t.rekeyed!,
        TRACKING_IMPRESSIONS_TOPIC: t.impressions!,
        TRACKING_ATTRIBUTED_TOPIC: t.attributed!,
        TRACKING_DEAD_LETTER_TOPIC: t.dlq!,
        TRACKING_REKEY_DEAD_LETTER_TOPIC: t.rawDlq!,
      },
      aggregation: {
        AGGREGATION_EVENTS_TOPIC: t.attributed!,
        AGGREGATION_ROAS_TOPIC: t.roas!,
        AGGREGATION_SPEND_TOPIC: t.spend!,
        AGGREGATION_ALERTS_TOPIC: t.alerts!,
        AGGREGATION_LATE_TOPIC: t.late!,
        AGGREGATION_CAMPAIGNS_TOPIC: t.campaigns!,
        AGGREGATION_DEAD_LETTER_TOPIC: t.dlq!,
      },
    };
    for (const { name } of STAGES) {
      const P = name.toUpperCase();
      const [health, metrics] = [await freePort(), await freePort()];
      metricsPorts.push(metrics);
      childNames.push(name);
      children.push(
        start(
          name,
          {
            ...shared,
            ...telemetry,
            ...profiled(name, logs),
            ...own[name],
            ADTRACE_METRICS_PORT: mode.sampleRatio === 'off' ? '' : String(metrics),
            OTEL_METRICS_EXPORTER: 'prometheus',
            [`${P}_GROUP`]: groups[name],
            [`${P}_HEALTH_PORT`]: String(health),
          },
          join(logs, `${name}.log`),
        ),
      );
      await until(
        `${name} ready (its log: ${logs})`,
        async () => ((await fetch(`http://127.0.0.1:${health}/readyz`)).ok ? true : undefined),
        300_000,
      );
    }

    // Every input record's offset, read committed: progress is counted in records, not offsets
    // (commit markers take offsets too). Also the size of what the pipeline writes.
    const offsets = new Map<string, number[]>();
    const sampledRequests = new SampledRequests();
    let bytes = 0;
    let records = 0;
    const inputs = STAGES.map((s) => t[s.input]!);
    const watcher = kafka.consumer({ groupId: `bench-watch-${run}`, maxWaitTimeInMs: 50 });
    await watcher.connect();
    await watcher.subscribe({ topics: inputs, fromBeginning: true });
    await watcher.run({
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}|${batch.partition}`;
        const list = offsets.get(key) ?? [];
        offsets.set(key, list);
        const fromIngest = batch.topic === t.requests;
        for (const m of batch.messages) {
          if (fromIngest) sampledRequests.add(m.headers, m.value);
          list.push(Number(m.offset));
          records += 1;
          bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
          for (const [k, v] of Object.entries(m.headers ?? {})) bytes += k.length + String(v ?? '').length;
        }
      },
    });
    const below = (list: readonly number[], committed: number) => {
      let [lo, hi] = [0, list.length];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]! < committed) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    /** Per stage: input records done (below the group's committed offsets) and seen in all. */
    const progress = async () => {
      const out = new Map<Stage, { done: number; seen: number }>();
      for (const s of STAGES) {
        const topic = t[s.input]!;
        const [entry] = await admin.fetchOffsets({ groupId: groups[s.name], topics: [topic] });
        let [done, seen] = [0, 0];
        for (const p of entry?.partitions ?? []) {
          const list = offsets.get(`${topic}|${p.partition}`) ?? [];
          done += below(list, Number(p.offset));
          seen += list.length;
        }
        out.set(s.name, { done, seen });
      }
      return out;
    };
    let sent = 0;
    const sendBatch = async (n: number, at?: number) => {
      const messages = Array.from({ length: n }, () => {
        const i = sent++;
        const m = { key: `bench-${run}-${i}`, value: openRtb(users[i % users.length]!, i, run) };
        return at === undefined ? m : { ...m, timestamp: String(at) };
      });
      await producer.send({ topic: t.raw!, messages });
      return messages;
    };
    /** Drained: every stage has done all it has seen, ingest all that was sent, unchanged for 1.5 s. */
    const drained = async (timeoutMs = 600_000) => {
      let still = 0;
      let last = '';
      await until(
        'the pipeline to drain',
        async () => {
          const p = await progress();
          const state = JSON.stringify([...p]);
          const idle = [...p.values()].every((s) => s.done === s.seen) && p.get('ingest')!.done === sent;
          still = idle && state === last ? still + 1 : 0;
          last = state;
          if (still < 3) {
            await new Promise((r) => setTimeout(r, 400));
            return undefined;
          }
          return p;
        },
        timeoutMs,
      );
    };

    for (let i = 0; i < WARMUP; i += 100) await sendBatch(100);
    await drained();

    // The backlog.
    const endOffsets = async () => {
      const all = (await admin.listTopics()).filter((n) => n.includes(run));
      let sum = 0;
      for (const topic of all) for (const p of await admin.fetchTopicOffsets(topic)) sum += Number(p.high);
      return sum;
    };
    const before = await progress();
    const offsetsBefore = await endOffsets();
    const storedSpans = new StoredSpans(warehouseHealth);
    await storedSpans.begin();
    const cpuBefore = children.map(cpuSeconds);
    // The broker's CPU over the same span, when it runs here (shared with whatever else uses it).
    const brokerPid = listenerPid(Number(brokers.split(',')[0]!.split(':').at(-1)));
    const brokerCpuBefore = brokerPid === undefined ? undefined : processCpuSeconds(brokerPid);
    const [bytesBefore, recordsBefore] = [bytes, records];
    const backlogStartedAt = performance.now();
    for (let i = 0; i < options.backlog; i += 500) await sendBatch(Math.min(500, options.backlog - i));
    const marks: { at: number; p: Map<Stage, { done: number; seen: number }> }[] = [];
    // The warehouse's stored span count over the same time, and after until it stops growing.
    const traced = mode.sampleRatio !== 'off';
    const markSpans = async () => {
      if (traced) await storedSpans.mark();
    };
    let finished: Map<Stage, { done: number; seen: number }> | undefined;
    await until(
      'the backlog through aggregation',
      async () => {
        const p = await progress();
        marks.push({ at: performance.now(), p });
        await markSpans();
        const idle = [...p.values()].every((s) => s.done === s.seen) && p.get('ingest')!.done === sent;
        if (idle && marks.length > 3 && JSON.stringify([...marks.at(-3)!.p]) === JSON.stringify([...p])) {
          finished = p;
          return true;
        }
        await new Promise((r) => setTimeout(r, 250));
        return undefined;
      },
      900_000,
    );
    const stages: StageRate[] = STAGES.map(({ name }) => {
      const base = before.get(name)!.done;
      const total = finished!.get(name)!.done - base;
      const recordsPerEvent = total / options.backlog;
      const counts = marks.map((m) => ({ at: m.at, n: m.p.get(name)!.done - base }));
      const eventsPerS = total === 0 ? Number.POSITIVE_INFINITY : rateBetween(counts, total) / recordsPerEvent;
      const maxLag = Math.max(...marks.map((m) => m.p.get(name)!.seen - m.p.get(name)!.done));
      return { stage: name, recordsPerEvent, eventsPerS, maxLag };
    });
    const writesPerEvent = ((await endOffsets()) - offsetsBefore) / options.backlog;
    const meanRecordBytes = (bytes - bytesBefore) / Math.max(1, records - recordsBefore);
    // The backlog's spans: stored when the warehouse's count stops growing (2 s) and its queue is
    // empty. Their rate, like a stage's, between 10 % and 90 % of them stored: not the exporters'
    // batch delay before the first nor the tail after the last.
    let spansPerSStored = 0;
    let spansPerEvent = 0;
    let spansPerLoad = 0;
    let droppedSpans = 0;
    let stored: StoredSpansSummary | undefined;
    let servicesDoneAt = 0;
    let messagesPerChunk: Record<string, number> = {};
    let traces: TraceCompleteness | undefined;
    if (traced) {
      stored = await storedSpans.settle(options.backlog);
      ({ spansPerEvent, spansPerLoad } = stored);
      spansPerSStored = stored.spansPerS;
      droppedSpans = await scrapeDropped(
        metricsPorts,
        STAGES.map(({ name }) => name),
      );
      const finalState = JSON.stringify([...finished!]);
      servicesDoneAt = marks.find((m) => JSON.stringify([...m.p]) === finalState)!.at;
      messagesPerChunk = await scrapeChunks(
        STAGES.map(({ name }) => name),
        metricsPorts,
      );
    }
    const cpuAfter = children.map(cpuSeconds);
    // After the CPU is read: the warehouse's queries for it are the bench's, not the pipeline's.
    if (traced) traces = await traceCompleteness(apiPort, sampledRequests.sent());
    const brokerCpuSPer1000Events =
      brokerPid === undefined || brokerCpuBefore === undefined
        ? undefined
        : ((processCpuSeconds(brokerPid) - brokerCpuBefore) * 1000) / options.backlog;
    const cpuSPer1000Events = Object.fromEntries(
      childNames.map((n, i) => [n, ((cpuAfter[i]! - cpuBefore[i]!) * 1000) / options.backlog]),
    );
    const servicesEventsPerS = Math.min(...stages.map((s) => s.eventsPerS));
    const throughAt = marks.find((m) =>
      STAGES.every(({ name }) => m.p.get(name)!.done === finished!.get(name)!.done),
    )!.at;
    const wholeBacklogEventsPerS = options.backlog / ((throughAt - backlogStartedAt) / 1000);
    const { eventsPerS, storedEventsPerS, warehouseBehind, storedAfterServicesMs } = stored
      ? sustainedEventsPerS({ servicesEventsPerS, stored, events: options.backlog, droppedSpans, servicesDoneAt })
      : {
          eventsPerS: servicesEventsPerS,
          storedEventsPerS: Number.POSITIVE_INFINITY,
          warehouseBehind: false,
          storedAfterServicesMs: 0,
        };
    const latency = options.latency ? await measureLatency(E2E_RATE ?? eventsPerS / 2) : undefined;
    await watcher.disconnect();
    return {
      mode,
      backlog: options.backlog,
      eventsPerS,
      stages,
      servicesEventsPerS,
      wholeBacklogEventsPerS,
      storedEventsPerS,
      warehouseBehind,
      storedAfterServicesMs,
      writesPerEvent,
      meanRecordBytes,
      spansPerSStored,
      spansPerEvent,
      spansPerLoad,
      droppedSpans,
      ...(traces && { traces }),
      messagesPerChunk,
      cpuSPer1000Events,
      brokerCpuSPer1000Events,
      latency,
    };

    /** Paced requests; each one's produce time → its first impression read by a read_committed consumer. */
    async function measureLatency(rate: number) {
      const consumer = kafka.consumer({ groupId: `bench-impressions-${run}`, maxWaitTimeInMs: 5 });
      await consumer.connect();
      await consumer.subscribe({ topic: t.impressions!, fromBeginning: false });
      const impressionCodec = createCodec(RecordNames.Impression);
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      let assigned = false;
      consumer.on(consumer.events.GROUP_JOIN, () => {
        assigned = true;
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const arrived = Date.now();
          const { eventId } = impressionCodec.decode(message.value!);
          const at = sentAt.get(eventId);
          if (at === undefined) return;
          sentAt.delete(eventId);
          latencies.push(arrived - at);
        },
      });
      await until('the latency consumer to join', async () => (assigned ? true : undefined));
      await new Promise((r) => setTimeout(r, 1000));
      const stageNames = STAGES.map(({ name }) => name);
      const handledBefore = await scrapeHistogram(HANDLED_TO_COMMITTED, stageNames, metricsPorts);
      const tickMs = 20;
      const cpuAtStart = children.map(cpuSeconds);
      const brokerAtStart = brokerPid === undefined ? undefined : processCpuSeconds(brokerPid);
      let paced = 0;
      const start = performance.now();
      let owed = 0;
      for (let tick = 0; performance.now() - start < LATENCY_SECONDS * 1000; tick++) {
        owed += rate * (tickMs / 1000);
        const n = Math.floor(owed);
        owed -= n;
        if (n > 0) {
          const now = Date.now();
          const messages = await sendBatch(n, now);
          paced += messages.length;
          for (const m of messages) sentAt.set(deriveEventId('upstream', m.key), now);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, start + (tick + 1) * tickMs - performance.now())));
      }
      await drained();
      const perPaced = (s: number) => (s * 1000) / Math.max(1, paced);
      const used = children.map((c, i) => cpuSeconds(c) - cpuAtStart[i]!);
      const cpuSPer1000Events: Record<string, number> = {
        ...Object.fromEntries(childNames.map((n, i) => [n, perPaced(used[i]!)])),
        pipeline: perPaced(used.reduce((a, b) => a + b, 0)),
      };
      if (brokerPid !== undefined && brokerAtStart !== undefined) {
        cpuSPer1000Events.broker = perPaced(processCpuSeconds(brokerPid) - brokerAtStart);
      }
      await new Promise((r) => setTimeout(r, 500));
      await consumer.disconnect();
      // Per stage, a message's mean time from the start of its handling to its chunk's commit.
      const handledAfter = await scrapeHistogram(HANDLED_TO_COMMITTED, stageNames, metricsPorts);
      const handledToCommittedMs = Object.fromEntries(
        stageNames.map((n) => {
          const [a, b] = [handledBefore[n]!, handledAfter[n]!];
          return [n, b.count > a.count ? (b.sum - a.sum) / (b.count - a.count) : Number.NaN];
        }),
      );
      const sorted = latencies.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
      return { rate, p50Ms: pct(0.5), p99Ms: pct(0.99), n: sorted.length, handledToCommittedMs, cpuSPer1000Events };
    }
  } finally {
    await producer.disconnect().catch(() => {});
    // SIGTERM, then SIGKILL after 30 s: a service that stopped its hop but does not exit (seen
    // with aggregation on a machine at load 30) must not hold the bench.
    for (const c of children.reverse()) {
      const exited = new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    const all = (await admin.listTopics().catch(() => [] as string[])).filter((n) => n.includes(run));
    await admin.deleteTopics({ topics: all }).catch(() => {});
    await admin.disconnect();
    // BENCH_PIPELINE_KEEP=1 keeps the run's warehouse file (its load spans say what each load wrote).
    if (process.env.BENCH_PIPELINE_KEEP === '1') console.error(`bench pipeline: warehouse kept at ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * BENCH_PIPELINE_PROFILE=<service,…>: those processes run with `node --cpu-prof`, their
 * .cpuprofile written next to the run's logs when they exit (open it in Chrome DevTools).
 */
function profiled(name: string, logs: string): Record<string, string> {
  const wanted = (process.env.BENCH_PIPELINE_PROFILE ?? '').split(',').map((s) => s.trim());
  return wanted.includes(name) ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(logs, `${name}-profile`)}` } : {};
}

function cpuSeconds(child: ChildProcess): number {
  return processCpuSeconds(child.pid!);
}

/** Per service: Σ messages ÷ chunks of its `adtrace.stream.chunk.messages` histogram (every hop of it). */
async function scrapeChunks(names: readonly string[], ports: readonly number[]): Promise<Record<string, number>> {
  const totals = await scrapeHistogram('adtrace_stream_chunk_messages', names, ports);
  return Object.fromEntries(Object.entries(totals).map(([n, { sum, count }]) => [n, count > 0 ? sum / count : 0]));
}

/** Each service's histogram `metric`, summed over its label sets: sum and count. */
async function scrapeHistogram(
  metric: string,
  names: readonly string[],
  ports: readonly number[],
): Promise<Record<string, { sum: number; count: number }>> {
  const out: Record<string, { sum: number; count: number }> = {};
  for (const [i, port] of ports.entries()) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let [sum, count] = [0, 0];
    for (const line of text.split('\n')) {
      if (!line.startsWith(metric)) continue;
      const value = Number(line.split(' ').at(-1)) || 0;
      if (line.split('{')[0]!.endsWith('_sum')) sum += value;
      else if (line.split('{')[0]!.endsWith('_count')) count += value;
    }
    out[names[i]!] = { sum, count };
  }
  return out;
}
