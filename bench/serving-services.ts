// The serving path through the four real services (ingest, profiling, auction, delivery), each
// its own process with the production telemetry preload exporting every span over OTLP to the
// warehouse service (DuckDB in a temp dir), on bench topics and groups of their own, with the
// demo catalog and the demo users' segments published first. Two figures:
// - events_per_s: a backlog of OpenRTB JSON requests, the rate at which delivery finishes their
//   imps (its committed offsets on auction-outcomes: every imp has one outcome), between 10 % and
//   90 % of the backlog, so start-up and the tail are not counted;
// - e2e p50/p99 at half that rate: from the raw request's produce time (its record timestamp) to
//   its impression's arrival at a read_committed consumer, i.e. committed by delivery.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createUserKeyer,
  DEMO_GEOS,
  type DemoUser,
  deriveEventId,
  generateDemoCatalog,
  generateDemoUsers,
} from '@adtrace/ads';
import { createCodec, RecordNames } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { freePort } from '../packages/cli/src/free-port.ts';
import { tracked } from './children.ts';
import { listenerPid, processCpuSeconds } from './listener-pid.ts';
import { rateBetween } from './rate.ts';
import { type SpanStoreHealth, StoredSpans, sustainedEventsPerS } from './stored-spans.ts';

export { freePort };

const root = join(import.meta.dirname, '..');
const PRELOAD = join(root, 'packages/telemetry/src/preload.ts');
const BACKLOG = Number(process.env.BENCH_SERVING_BACKLOG ?? 8_000);
// The bench's topics have 3 partitions; the pipeline's user-keyed topics have 6 (adtrace up).
const PARTITIONS = Number(process.env.BENCH_SERVING_PARTITIONS ?? 3);
const WARMUP = 400;
const LATENCY_SECONDS = 10;
const LOW_RATE = 20;

export interface ThroughServices {
  /**
   * Events/s sustained with every sampled event's spans stored: the services' rate (delivery's,
   * between 10 % and 90 % of the backlog), bounded by the warehouse's storing of the backlog's
   * spans when it fell behind (stored-spans.ts), as in pnpm bench pipeline.
   */
  readonly eventsPerS: number;
  /** The four services' own rate, whatever became of their spans. */
  readonly servicesEventsPerS: number;
  /**
   * The backlog ÷ the time from its first request produced to its last imp delivered. The stages
   * of a backlog partly run one after the other (each drains what the one before queued), so a
   * stage's own 10 %–90 % rate can be its rate alone on the machine; this one cannot overstate.
   */
  readonly wholeBacklogEventsPerS: number;
  /** The backlog's spans stored per second ÷ spans per event. */
  readonly storedEventsPerS: number;
  /** Spans dropped, or stored well after the services finished: then storedEventsPerS bounds eventsPerS. */
  readonly warehouseBehind: boolean;
  readonly spansPerEvent: number;
  readonly impsPerEvent: number;
  readonly sampleRatio: number;
  readonly latencyRate: number;
  /** Spans the four services' batch processors dropped (queue full) or failed to export, over the backlog. */
  readonly droppedSpans: number;
  /** The same, at the end of the run (the latency phases too). */
  readonly droppedSpansWithLatency: number;
  /** At half of eventsPerS, as the issue asks. */
  readonly half?: LatencySummary;
  /** At LOW_RATE: the path's own latency, without queueing. */
  readonly low?: LatencySummary;
  /**
   * CPU seconds per 1,000 backlog events of each process (user + system, every thread, from
   * /proc/<pid>/stat), from the backlog's first request produced until its spans settled:
   * the four services, the warehouse, and `broker` when it runs on this machine (anything else
   * using it meanwhile is in its figure too).
   */
  readonly cpuSPer1000Events: Record<string, number>;
}

/** Raw request produced → its (first) impression committed and read, over the events that won. */
export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Produced → served by delivery (the impression's event time), p50: the rest is commit and read. */
  readonly servedP50Ms: number;
  readonly impressions: number;
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A service as `adtrace up` starts it: its main.ts with the telemetry preload, in its own process. */
export function start(name: string, env: Record<string, string>, logFile?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', PRELOAD, join(root, 'services', name, 'src/main.ts')], {
    cwd: root,
    env: { ...process.env, OTEL_SERVICE_NAME: name, ADTRACE_METRICS_PORT: '', ...env },
    // A service logs JSON lines to stdout: kept in logFile when given, else dropped.
    stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'inherit'],
  });
  return tracked(child);
}

/**
 * Σ `adtrace.telemetry.spans_dropped` (queue full or failed export) over services' Prometheus
 * endpoints; when any were lost, which service lost them and why goes to stderr (`names[i]` is
 * the service of `ports[i]`).
 */
export async function scrapeDropped(ports: readonly number[], names: readonly string[] = []): Promise<number> {
  let total = 0;
  const detail: string[] = [];
  for (const [i, port] of ports.entries()) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('adtrace_telemetry_spans_dropped')) continue;
      const n = Number(line.split(' ').at(-1)) || 0;
      total += n;
      if (n > 0) detail.push(`${names[i] ?? `:${port}`} ${/reason="([^"]+)"/.exec(line)?.[1] ?? '?'} ${n}`);
    }
  }
  if (detail.length > 0) console.error(`bench: spans dropped: ${detail.join(', ')}`);
  return total;
}

/** An OpenRTB 2.6 JSON request of a demo user: a site, 1–3 imps (banners, some video), floors. */
export function openRtb(user: DemoUser, i: number, run: string): string {
  const geo = DEMO_GEOS.find((g) => g.country === user.country);
  const imp = Array.from({ length: 1 + (i % 3) }, (_, j) =>
    (i + j) % 5 === 4
      ? { id: String(j + 1), video: { mimes: ['video/mp4'], w: 640, h: 360 }, bidfloor: 2 }
      : { id: String(j + 1), banner: { format: [{ w: 300, h: 250 }] }, bidfloor: [0, 0.5, 1][j % 3] },
  );
  return JSON.stringify({
    id: `bench-${run}-${i}`,
    imp,
    site: { domain: 'news.example.com', page: 'https://news.example.com/a', cat: ['IAB12'] },
    device: {
      ip: `198.51.100.${i % 250}`,
      devicetype: 2,
      os: 'Windows',
      geo: { country: user.country, ...(geo && { region: geo.regions[0] }) },
    },
    user: { id: user.userId },
  });
}

export interface ThroughOptions {
  /** ADTRACE_TRACE_SAMPLE_RATIO of every service: 1 traces every event. */
  readonly sampleRatio: number;
  /** Also measure the e2e latency (at half the rate measured, and at LOW_RATE). */
  readonly latency: boolean;
}

export async function throughServices(
  kafka: Kafka,
  brokers: string,
  options: ThroughOptions,
): Promise<ThroughServices> {
  const run = randomUUID().slice(0, 8);
  const t = Object.fromEntries(
    ['raw', 'requests', 'profiled', 'outcomes', 'impressions', 'campaigns', 'spend', 'segments', 'rawDlq', 'dlq'].map(
      (l) => [l, `bench.serving.${l}.${run}`],
    ),
  ) as Record<string, string>;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.entries(t).map(([l, topic]) => ({
      topic,
      numPartitions: PARTITIONS,
      configEntries:
        l === 'campaigns' || l === 'spend' || l === 'segments' ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    })),
  });
  const secret = randomBytes(32).toString('hex');
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

  const dir = mkdtempSync(join(tmpdir(), 'adtrace-bench-serving-'));
  const [otlpPort, apiPort] = [await freePort(), await freePort()];
  const otlp = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    KAFKA_BROKERS: brokers,
    ADTRACE_TRACE_SAMPLE_RATIO: String(options.sampleRatio),
  };
  const children = [
    start('warehouse', {
      ...otlp,
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      WAREHOUSE_OTLP_PORT: String(otlpPort),
      WAREHOUSE_API_PORT: String(apiPort),
      WAREHOUSE_LOADER: 'off',
    }),
  ];
  await until('the warehouse', async () =>
    (await fetch(`http://127.0.0.1:${apiPort}/api/health`)).ok ? true : undefined,
  );
  const groups = Object.fromEntries(
    ['ingest', 'profiling', 'auction', 'delivery'].map((n) => [n, `bench-${n}-${run}`]),
  );
  const own: Record<string, Record<string, string>> = {
    ingest: {
      INGEST_USER_KEY_SECRET: secret,
      INGEST_RAW_TOPIC: t.raw!,
      INGEST_REQUESTS_TOPIC: t.requests!,
      INGEST_DEAD_LETTER_TOPIC: t.rawDlq!,
    },
    profiling: {
      PROFILING_REQUESTS_TOPIC: t.requests!,
      PROFILING_PROFILED_TOPIC: t.profiled!,
      PROFILING_SEGMENTS_TOPIC: t.segments!,
    },
    auction: {
      AUCTION_REQUESTS_TOPIC: t.profiled!,
      AUCTION_IMPRESSIONS_TOPIC: t.impressions!,
      AUCTION_OUTCOMES_TOPIC: t.outcomes!,
      AUCTION_CAMPAIGNS_TOPIC: t.campaigns!,
      AUCTION_SPEND_TOPIC: t.spend!,
    },
    delivery: {
      DELIVERY_TOKEN_KEYS: `bench=${randomBytes(32).toString('hex')}`,
      DELIVERY_OUTCOMES_TOPIC: t.outcomes!,
      DELIVERY_IMPRESSIONS_TOPIC: t.impressions!,
      DELIVERY_CAMPAIGNS_TOPIC: t.campaigns!,
    },
  };
  const metricsPorts: number[] = [];
  for (const [name, env] of Object.entries(own)) {
    const P = name.toUpperCase();
    const health = await freePort();
    const metrics = await freePort();
    metricsPorts.push(metrics);
    children.push(
      start(name, {
        ...otlp,
        ...env,
        [`${P}_GROUP`]: groups[name]!,
        [`${P}_HEALTH_PORT`]: String(health),
        ADTRACE_METRICS_PORT: String(metrics),
        [`${P}_DEAD_LETTER_TOPIC`]: name === 'ingest' ? t.rawDlq! : t.dlq!,
      }),
    );
    await until(`${name} ready`, async () =>
      (await fetch(`http://127.0.0.1:${health}/readyz`)).ok ? true : undefined,
    );
  }

  let sent = 0;
  let imps = 0;
  const sentAt = new Map<string, number>();
  const requestOf = (i: number) => {
    const body = openRtb(users[i % users.length]!, i, run);
    imps += 1 + (i % 3);
    return { key: `bench-${run}-${i}`, value: body };
  };
  // Outcomes are written in transactions, whose commit markers take offsets too: so an imp is
  // done when delivery's committed offset in its partition has passed the offset of its outcome,
  // seen by a read_committed consumer of auction-outcomes (cheap; it keeps up).
  const outcomeOffsets = new Map<number, number[]>();
  const watcher = kafka.consumer({ groupId: `bench-outcomes-${run}`, maxWaitTimeInMs: 5 });
  await watcher.connect();
  await watcher.subscribe({ topic: t.outcomes!, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ partition, message }) => {
      const offsets = outcomeOffsets.get(partition) ?? [];
      outcomeOffsets.set(partition, offsets);
      offsets.push(Number(message.offset));
    },
  });
  const delivered = async (): Promise<number> => {
    const [{ partitions }] = await admin.fetchOffsets({ groupId: groups.delivery!, topics: [t.outcomes!] });
    let done = 0;
    for (const p of partitions) {
      const committed = Number(p.offset);
      const offsets = outcomeOffsets.get(p.partition) ?? [];
      let lo = 0;
      let hi = offsets.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (offsets[mid]! < committed) lo = mid + 1;
        else hi = mid;
      }
      done += lo;
    }
    return done;
  };
  const sendBatch = async (n: number) => {
    const messages = Array.from({ length: n }, () => requestOf(sent++));
    await producer.send({ topic: t.raw!, messages });
  };
  const drained = async () => {
    await until('the services to drain', async () => ((await delivered()) >= imps ? true : undefined), 300_000);
  };

  // Warm-up: JIT, tables loaded, transactions set up.
  for (let i = 0; i < WARMUP; i += 100) await sendBatch(100);
  await drained();

  // Throughput: a backlog, timed between 10 % and 90 % of its imps decided and delivered; the
  // warehouse's stored spans over the same time, and after until they stop growing.
  const storedSpans = new StoredSpans(
    async () => (await (await fetch(`http://127.0.0.1:${apiPort}/api/health`)).json()) as SpanStoreHealth,
  );
  await storedSpans.begin();
  const base = imps;
  const impsBefore = imps;
  const names = ['warehouse', ...Object.keys(own)];
  const brokerPid = listenerPid(Number(brokers.split(',')[0]!.split(':').at(-1)));
  const cpuNow = () => [
    ...children.map((c) => processCpuSeconds(c.pid!)),
    ...(brokerPid === undefined ? [] : [processCpuSeconds(brokerPid)]),
  ];
  const cpuBefore = cpuNow();
  const backlogStartedAt = performance.now();
  for (let i = 0; i < BACKLOG; i += 500) await sendBatch(500);
  const backlogImps = imps - impsBefore;
  const marks: { at: number; done: number }[] = [];
  await until(
    'the backlog through delivery',
    async () => {
      const done = (await delivered()) - base;
      marks.push({ at: performance.now(), done });
      await storedSpans.mark();
      return done >= backlogImps ? true : undefined;
    },
    600_000,
  );
  const impsPerEvent = backlogImps / BACKLOG;
  const counts = marks.map((m) => ({ at: m.at, n: m.done }));
  const servicesEventsPerS = rateBetween(counts, backlogImps) / impsPerEvent;
  const wholeBacklogEventsPerS = BACKLOG / ((marks.at(-1)!.at - backlogStartedAt) / 1000);
  await drained();
  const stored = await storedSpans.settle(BACKLOG);
  const cpuSPer1000Events = Object.fromEntries(
    cpuNow().map((after, i) => [names[i] ?? 'broker', ((after - cpuBefore[i]!) * 1000) / BACKLOG]),
  );
  const droppedSpans = await scrapeDropped(metricsPorts, Object.keys(own));
  const sustained = sustainedEventsPerS({
    servicesEventsPerS,
    stored,
    events: BACKLOG,
    droppedSpans,
    servicesDoneAt: marks.at(-1)!.at,
  });
  const { eventsPerS } = sustained;

  // Latency at half that rate, then at a low rate (the path's own latency, without queueing):
  // each request's produce time to its impression's commit.
  const measureLatency = async () => {
    const consumer = kafka.consumer({ groupId: `bench-impressions-${run}`, maxWaitTimeInMs: 5 });
    await consumer.connect();
    await consumer.subscribe({ topic: t.impressions!, fromBeginning: false });
    const impressionCodec = createCodec(RecordNames.Impression);
    let phase = { latencies: [] as number[], served: [] as number[] };
    let assigned = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      assigned = true;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const arrived = Date.now();
        const { eventId, eventTimeMs } = impressionCodec.decode(message.value!);
        const at = sentAt.get(eventId);
        if (at === undefined) return;
        sentAt.delete(eventId); // the first imp served is the event's impression
        phase.latencies.push(arrived - at);
        // Where the time goes: produced → served by delivery, and served → committed and read.
        phase.served.push(eventTimeMs - at);
      },
    });
    await until('the latency consumer to join', async () => (assigned ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    const paced = async (rate: number, seconds: number) => {
      phase = { latencies: [], served: [] };
      const tickMs = 20;
      const t0 = performance.now();
      let owed = 0;
      for (let tick = 0; performance.now() - t0 < seconds * 1000; tick++) {
        owed += rate * (tickMs / 1000);
        const n = Math.floor(owed);
        owed -= n;
        if (n > 0) {
          const messages = Array.from({ length: n }, () => requestOf(sent++));
          const now = Date.now();
          for (const m of messages) sentAt.set(deriveEventId('upstream', m.key), now);
          await producer.send({ topic: t.raw!, messages: messages.map((m) => ({ ...m, timestamp: String(now) })) });
        }
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + (tick + 1) * tickMs - performance.now())));
      }
      await drained();
      await new Promise((r) => setTimeout(r, 500));
      return phase;
    };
    const half = summary(await paced(eventsPerS / 2, LATENCY_SECONDS));
    const low = summary(await paced(LOW_RATE, LATENCY_SECONDS / 2));
    await consumer.disconnect();
    return { half, low };
  };
  const latency = options.latency ? await measureLatency() : undefined;
  await watcher.disconnect();
  await producer.disconnect();
  const droppedAfter = await scrapeDropped(metricsPorts, Object.keys(own));

  for (const c of children.reverse()) {
    c.kill('SIGTERM');
    await new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
  }
  await admin.deleteTopics({ topics: Object.values(t) }).catch(() => {});
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
  return {
    eventsPerS,
    servicesEventsPerS,
    wholeBacklogEventsPerS,
    storedEventsPerS: sustained.storedEventsPerS,
    warehouseBehind: sustained.warehouseBehind,
    spansPerEvent: stored.spansPerEvent,
    impsPerEvent,
    sampleRatio: options.sampleRatio,
    latencyRate: eventsPerS / 2,
    droppedSpans,
    droppedSpansWithLatency: droppedAfter,
    cpuSPer1000Events,
    ...latency,
  };
}

function summary({ latencies, served }: { latencies: number[]; served: number[] }): LatencySummary {
  const pct = (xs: number[], p: number) =>
    xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;
  return {
    p50Ms: pct(latencies, 0.5),
    p99Ms: pct(latencies, 0.99),
    servedP50Ms: pct(served, 0.5),
    impressions: latencies.length,
  };
}
