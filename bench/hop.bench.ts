// One consume → small transform → produce hop, three ways, same broker, same messages, one run,
// each in its own process, started as production starts a service:
// - runtime, traced: the stream runtime with the production telemetry preloaded
//   (packages/telemetry/src/preload.ts: cost and event-id processors, the kafkajs
//   instrumentation, batch → OTLP/gRPC) exporting to the real warehouse receiver, started here;
// - runtime, untraced: the same hop without the preload;
// - runtime on @platformatic/kafka, untraced: the same untraced hop on the runtime's second client
//   port (packages/stream/src/kafka/platformatic.ts) instead of kafkajs — the client, compared;
// - naive, traced: plain kafkajs eachMessage + an awaited `producer.send` per message, with the
//   same preload (the stock instrumentation traces it), as a service without the runtime would be.
// The hop itself is bench/fixtures/hop.ts; the child process is bench/hop-child.ts.
// Each pipeline gets its own copy of the input: a backlog of BACKLOG messages, then PACED
// messages at PACE_PER_S while it keeps up (p99 latency: output append time − the input's
// produce time). Dropped spans: what the children's batch processors dropped or failed to export.
// The backlog's figures are the steady state of a running service, as production runs one for
// hours: throughput from the output append times (LogAppendTime) of the outputs after the first
// WARMUP, to the last; CPU, the child's process CPU (every thread) from its WARMUPth handled message
// until the backlog is out and its spans are exported. The warm-up before it (from the 1,000th
// message: start-up excluded) is reported apart, not hidden: V8 compiles the hot paths there, and
// over a 20,000-message backlog it was most of what tracing seemed to cost per message
// (bench/README.md, "hop: warm-up and steady state").
// The machine is shared (the broker, other processes): the runtime runs ROUNDS times, traced and
// untraced alternating, and each figure is the median over its rounds.
// BENCH_HOP_BASELINE=<another checkout> (with its dependencies installed) adds, in every round, the
// traced runtime of that checkout: a change's tracing cost beside its base's, in the same run.
// Run: pnpm bench hop   (or: node bench/hop.bench.ts)

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnv, toConfig } from '@adtrace/stream';
import { LIST_PRICES } from '@adtrace/telemetry';
import { type Admin, type Kafka, Kafka as KafkaClient, logLevel, Partitioners } from 'kafkajs';
import { tracked } from './children.ts';
import { decode, encode, type Value } from './fixtures/hop.ts';

const BACKLOG = Number(process.env.BENCH_HOP_BACKLOG ?? 100_000);
const PACED = 600;
const PACE_PER_S = 200;
const PARTITIONS = 3;
const PAD = 'x'.repeat(300); // a few hundred bytes, like a small ad event
// BENCH_HOP_UNSAMPLED=1: the upstream's traceparent says "not sampled", so the traced pipeline
// records nothing and its tracing figure is what the unsampled path costs (the 90 % of a 10 %
// sampling ratio).
const UPSTREAM_FLAGS = process.env.BENCH_HOP_UNSAMPLED === '1' ? '00' : '01';
// BENCH_HOP_ROUNDS: more rounds for an A/B of small effects; BENCH_HOP_QUICK=1 leaves out the
// naive and platformatic pipelines (their figures then read NaN): a quicker A/B with BENCH_HOP_BASELINE.
const ROUNDS = Number(process.env.BENCH_HOP_ROUNDS ?? 3);
const QUICK = process.env.BENCH_HOP_QUICK === '1';
const WARMUP_MARK = 1000; // the warm-up window opens at the child's 1,000th handled message: start-up excluded
// The steady-state window opens at the child's WARMUPth handled message.
const WARMUP = Number(process.env.BENCH_HOP_WARMUP ?? 20_000);
if (!(WARMUP > WARMUP_MARK && WARMUP < BACKLOG)) {
  throw new Error(`BENCH_HOP_WARMUP must lie between ${WARMUP_MARK} and BENCH_HOP_BACKLOG (${BACKLOG}): ${WARMUP}`);
}
const root = join(import.meta.dirname, '..');
const baselineRoot = process.env.BENCH_HOP_BASELINE?.trim() || undefined;

const skipped = (): Measured => ({
  msgsPerS: Number.NaN,
  wholeBacklogMsgsPerS: Number.NaN,
  p99Ms: Number.NaN,
  cpuUsPerMsg: Number.NaN,
  mainCpuUsPerMsg: Number.NaN,
  warmupCpuUsPerMsg: Number.NaN,
  droppedSpans: 0,
  lifetimeCpuUs: Number.NaN,
});

interface Measured {
  /** Steady state: the backlog's outputs after the first WARMUP. */
  msgsPerS: number;
  /** The whole backlog, first output to last: warm-up included. */
  wholeBacklogMsgsPerS: number;
  p99Ms: number;
  /** The child's process CPU (every thread, span export included) per backlog message, steady state. */
  cpuUsPerMsg: number;
  /** Of which the event-loop thread's (the rest: GC helper threads, the compiler, libuv); NaN if not reported. */
  mainCpuUsPerMsg: number;
  /** The same as cpuUsPerMsg over the warm-up (WARMUP_MARK → WARMUP); NaN if the child does not report it. */
  warmupCpuUsPerMsg: number;
  /** Spans the child's batch processor dropped or failed to export. */
  droppedSpans: number;
  /** The child's CPU over its whole life (µs): what its spans may at most have been charged. */
  lifetimeCpuUs: number;
}

type Kind = 'runtime' | 'naive';
interface Warehouse {
  otlpPort: number;
  sink: { stats: { spansInserted: number } };
  warehouse: {
    stageStats(q: { by: 'service' | 'span' }): Promise<{ stages: { stage: string; computeUsd: number }[] }>;
  };
  stop(): Promise<void>;
}
// The warehouse service is not a dependency of the bench package: load it by path.
const svc = (await import(new URL('../services/warehouse/src/index.ts', import.meta.url).href)) as {
  readEnv(env: object): object;
  toConfig(env: object): { loader: object };
  startWarehouseService(config: object, options: object): Promise<Warehouse>;
};

async function produce(kafka: Kafka, topic: string, from: number, count: number, paced: boolean): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const message = (i: number) => ({
    key: `user-${i % 97}`,
    value: encode({ i, t: Date.now(), paced, pad: PAD }),
    headers: {
      // A sampled upstream producer span: each process span is its child, as in a real pipeline.
      // (Its span id was once cut from a UUID and kept a '-': invalid, so every traced message
      // started a new root trace instead.)
      traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-${UPSTREAM_FLAGS}`,
      'adtrace.event-id': `e${i}`,
    },
  });
  if (paced) {
    const start = performance.now();
    for (let n = 0; n < count; n++) {
      const due = start + (n * 1000) / PACE_PER_S;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      await producer.send({ topic, acks: 1, messages: [message(from + n)] });
    }
  } else {
    for (let n = 0; n < count; n += 1000) {
      const messages = Array.from({ length: Math.min(1000, count - n) }, (_, k) => message(from + n + k));
      await producer.send({ topic, messages });
    }
  }
  await producer.disconnect();
}

/**
 * Creating a topic on a busy shared broker sometimes answers UNKNOWN_TOPIC_OR_PARTITION while
 * kafkajs waits for its leaders (a whole run lost at its first round): try again a few times.
 */
async function createTopics(admin: Admin, options: Parameters<Admin['createTopics']>[0]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics(options);
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

async function total(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((n, p) => n + Number(p.high), 0);
}

/**
 * Waits for `n` outputs, failing only when the count stops growing for `stallMs`: a slow pipeline
 * (the naive one on a broker whose JIT is still cold took over 90 s for 100,000 messages) is a
 * figure to report, a stuck one is an error.
 */
async function waitCount(kafka: Kafka, topic: string, n: number, stallMs: number): Promise<void> {
  let seen = -1;
  let since = Date.now();
  for (let count = await total(kafka, topic); count < n; count = await total(kafka, topic)) {
    if (count > seen) [seen, since] = [count, Date.now()];
    else if (Date.now() - since > stallMs)
      throw new Error(`${topic}: stuck at ${count} of ${n} outputs for ${stallMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Output append times → backlog throughput and the paced messages' p99 latency. */
async function measure(
  kafka: Kafka,
  topic: string,
  n: number,
): Promise<Pick<Measured, 'msgsPerS' | 'wholeBacklogMsgsPerS' | 'p99Ms'>> {
  const consumer = kafka.consumer({ groupId: `bench-read-${randomUUID()}`, maxBytesPerPartition: 8 << 20 });
  const rows: { ts: number; v: Value }[] = [];
  let done = () => {};
  const all = new Promise<void>((r) => {
    done = r;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) rows.push({ ts: Number(m.timestamp), v: decode(m.value!) });
      if (rows.length >= n) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
  clearTimeout(timer);
  await consumer.disconnect();
  const backlog = rows
    .filter((r) => !r.v.paced)
    .map((r) => r.ts)
    .sort((a, b) => a - b);
  const rate = (ts: number[]) => (ts.length - 1) / ((ts[ts.length - 1]! - ts[0]!) / 1000);
  const lat = rows
    .filter((r) => r.v.paced)
    .map((r) => r.ts - r.v.t)
    .sort((a, b) => a - b);
  return {
    msgsPerS: rate(backlog.slice(WARMUP)),
    wholeBacklogMsgsPerS: rate(backlog),
    p99Ms: lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))] ?? Number.NaN,
  };
}

/** A child process running one pipeline, and the IPC messages it sends (hop-child.ts). */
class Child {
  readonly #proc: ChildProcess;
  readonly #waiting = new Map<string, (m: Record<string, number>) => void>();
  #exit: Promise<number | null>;

  constructor(kind: Kind, traced: boolean, env: Record<string, string>, from = root) {
    const preload = join(from, 'packages/telemetry/src/preload.ts');
    const args = [...(traced ? ['--import', preload] : []), join(from, 'bench/hop-child.ts')];
    this.#proc = tracked(
      spawn(process.execPath, args, {
        cwd: from,
        // A baseline checkout's child that knows no warm-up mark still opens its window at the mark.
        env: {
          ...process.env,
          ...env,
          BENCH_HOP_KIND: kind,
          BENCH_HOP_MARK: String(WARMUP),
          BENCH_HOP_WARMUP_MARK: String(WARMUP_MARK),
        },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    this.#proc.on('message', (m: { type: string } & Record<string, number>) => {
      this.#waiting.get(m.type)?.(m);
      this.#waiting.delete(m.type);
    });
    this.#exit = new Promise((r) => this.#proc.once('exit', (code) => r(code)));
  }

  /** Sends `command` (if any) and waits for the child's `reply`, or its death. */
  async ask(reply: string, command?: string): Promise<Record<string, number>> {
    const answer = new Promise<Record<string, number>>((r) => this.#waiting.set(reply, r));
    if (command) this.#proc.send({ type: command });
    const died = this.#exit.then((code) => {
      throw new Error(`bench hop child exited (${code}) before "${reply}"`);
    });
    return Promise.race([answer, died]);
  }

  async exited(): Promise<void> {
    const code = await this.#exit;
    if (code) throw new Error(`bench hop child exited ${code}`);
  }
}

async function pipeline(
  kafka: Kafka,
  kind: Kind,
  traced: boolean,
  env: Record<string, string>,
  from = root,
): Promise<Measured> {
  const client = `${env.BENCH_HOP_CLIENT === 'platformatic' ? '-platformatic' : ''}${from === root ? '' : '-baseline'}`;
  const label = `${kind}${client}-${traced ? 'traced' : 'untraced'}`;
  const admin = kafka.admin();
  await admin.connect();
  const [input, output] = [
    `bench.hop.${label}.in.${randomUUID().slice(0, 6)}`,
    `bench.hop.${label}.out.${randomUUID().slice(0, 6)}`,
  ];
  await createTopics(admin, {
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: PARTITIONS },
      // The broker stamps each output as it appends it: the runtime gives its outputs the input's
      // event time (CreateTime = when the bench produced the input), which measures the bench's
      // producer, not the hop — the traced runtime came out faster than the untraced one.
      {
        topic: output,
        numPartitions: PARTITIONS,
        configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
      },
    ],
  });
  try {
    await produce(kafka, input, 0, BACKLOG, false);
    const child = new Child(kind, traced, { ...env, BENCH_HOP_IN: input, BENCH_HOP_OUT: output }, from);
    let cpuUsPerMsg: number;
    let mainCpuUsPerMsg: number;
    let warmupCpuUsPerMsg: number;
    let stopped: Record<string, number>;
    try {
      await child.ask('ready');
      await waitCount(kafka, output, BACKLOG, 30_000);
      const window = await child.ask('window', 'end');
      cpuUsPerMsg = window.cpuUs! / (BACKLOG - WARMUP);
      mainCpuUsPerMsg = (window.mainCpuUs ?? Number.NaN) / (BACKLOG - WARMUP);
      warmupCpuUsPerMsg = (window.warmupCpuUs ?? Number.NaN) / (WARMUP - WARMUP_MARK);
      await produce(kafka, input, BACKLOG, PACED, true);
      await waitCount(kafka, output, BACKLOG + PACED, 30_000);
    } finally {
      stopped = await child.ask('stopped', 'stop');
      await child.exited();
    }
    return {
      ...(await measure(kafka, output, BACKLOG + PACED)),
      cpuUsPerMsg,
      mainCpuUsPerMsg,
      warmupCpuUsPerMsg,
      droppedSpans: stopped.dropped!,
      lifetimeCpuUs: stopped.cpuUs!,
    };
  } finally {
    await admin.deleteTopics({ topics: [input, output] }).catch(() => {});
    await admin.disconnect();
  }
}

/** The warehouse service (OTLP receiver, DuckDB in a temp dir) the traced children export to. */
async function startWarehouse(): Promise<Warehouse & { cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-bench-hop-'));
  // The service's own settings (DuckDB on one thread, its commit interval), on a file of its own.
  const base = svc.toConfig(svc.readEnv({ WAREHOUSE_PATH: join(dir, 'warehouse.duckdb') }));
  const service = await svc.startWarehouseService(
    {
      ...base,
      host: '127.0.0.1',
      otlpPort: 0,
      apiPort: 0,
      loader: { ...base.loader, enabled: false },
    },
    { log: () => {} },
  );
  return Object.assign(service, {
    async cleanup() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

const round = (x: number, digits = 0): number => Number(x.toFixed(digits));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medians = (runs: Measured[]): Measured => ({
  msgsPerS: median(runs.map((r) => r.msgsPerS)),
  wholeBacklogMsgsPerS: median(runs.map((r) => r.wholeBacklogMsgsPerS)),
  p99Ms: median(runs.map((r) => r.p99Ms)),
  cpuUsPerMsg: median(runs.map((r) => r.cpuUsPerMsg)),
  mainCpuUsPerMsg: median(runs.map((r) => r.mainCpuUsPerMsg)),
  warmupCpuUsPerMsg: median(runs.map((r) => r.warmupCpuUsPerMsg)),
  droppedSpans: runs.reduce((n, r) => n + r.droppedSpans, 0),
  lifetimeCpuUs: median(runs.map((r) => r.lifetimeCpuUs)),
});

// The issue's goals (issue 11): reported beside the figures, not asserted.
const GOALS = {
  throughput_vs_naive: { min: 10 },
  tracing_cpu_us_per_msg: { max: 10 },
  throughput_traced_vs_untraced: { min: 0.7 },
  dropped_spans: { max: 0 },
} as const;

export default async function run(): Promise<{
  figures: Record<string, number>;
  ratios: Record<string, number>;
  table: string;
}> {
  const { brokers } = toConfig(readEnv('BENCH'));
  const kafka = new KafkaClient({ clientId: 'bench-hop', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const dlq = `bench.hop.dlq.${randomUUID().slice(0, 6)}`;
  await createTopics(admin, { waitForLeaders: true, topics: [{ topic: dlq, numPartitions: 1 }] });
  const warehouse = await startWarehouse();
  try {
    const env = {
      KAFKA_BROKERS: brokers.join(','),
      BENCH_HOP_DLQ: dlq,
      OTEL_SERVICE_NAME: 'bench-hop',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${warehouse.otlpPort}`,
      ADTRACE_METRICS_PORT: '',
    };
    const naive = QUICK ? skipped() : await pipeline(kafka, 'naive', true, env);
    const [tracedRuns, untracedRuns, platformaticRuns, baselineRuns, spansPerMsg, spanCpuShare] = [
      [] as Measured[],
      [] as Measured[],
      [] as Measured[],
      [] as Measured[],
      [] as number[],
      [] as number[],
    ];
    // Each round's own figures, in the order they ran (the medians hide how the machine moved).
    const roundRows: string[] = [];
    const main = (m: Measured) => (Number.isNaN(m.mainCpuUsPerMsg) ? '' : ` (main ${round(m.mainCpuUsPerMsg, 1)})`);
    const cell = (m: Measured | undefined) =>
      m ? `${round(m.cpuUsPerMsg, 1)} µs${main(m)}, ${round(m.msgsPerS)}/s` : '—';
    for (let r = 0; r < ROUNDS; r++) {
      const loadAtStart = loadavg()[0]!.toFixed(1);
      untracedRuns.push(await pipeline(kafka, 'runtime', false, env));
      platformaticRuns.push(
        QUICK ? skipped() : await pipeline(kafka, 'runtime', false, { ...env, BENCH_HOP_CLIENT: 'platformatic' }),
      );
      const before = warehouse.sink.stats.spansInserted;
      const service = `bench-hop-${r}`;
      const run = await pipeline(kafka, 'runtime', true, { ...env, OTEL_SERVICE_NAME: service });
      tracedRuns.push(run);
      spansPerMsg.push((warehouse.sink.stats.spansInserted - before) / (BACKLOG + PACED));
      // The CPU the run's spans were charged, back from their compute cost at the price the child used.
      // By span name (stages "<service> <span>"): by service, a stage's compute also holds the
      // warehouse's CPU for storing its spans, which is not the hop's CPU.
      const { stages } = await warehouse.warehouse.stageStats({ by: 'span' });
      const computeUsd = stages
        .filter((s) => s.stage.startsWith(`${service} `))
        .reduce((sum, s) => sum + s.computeUsd, 0);
      spanCpuShare.push(((computeUsd / LIST_PRICES.vcpuHourUsd) * 3.6e9) / run.lifetimeCpuUs);
      if (baselineRoot) baselineRuns.push(await pipeline(kafka, 'runtime', true, env, baselineRoot));
      roundRows.push(
        `| ${r + 1} | ${loadAtStart} → ${loadavg()[0]!.toFixed(1)} | ${cell(untracedRuns[r])} | ${cell(run)} | ${cell(baselineRuns[r])} |`,
      );
    }
    const baseline = baselineRuns.length > 0 ? medians(baselineRuns) : undefined;
    const [traced, untraced, platformatic] = [medians(tracedRuns), medians(untracedRuns), medians(platformaticRuns)];
    const figures = {
      messages: BACKLOG,
      runtime_traced_msgs_per_s: round(traced.msgsPerS),
      runtime_untraced_msgs_per_s: round(untraced.msgsPerS),
      runtime_platformatic_untraced_msgs_per_s: round(platformatic.msgsPerS),
      naive_msgs_per_s: round(naive.msgsPerS),
      runtime_traced_p99_ms: round(traced.p99Ms, 1),
      runtime_untraced_p99_ms: round(untraced.p99Ms, 1),
      runtime_platformatic_untraced_p99_ms: round(platformatic.p99Ms, 1),
      naive_p99_ms: round(naive.p99Ms, 1),
      runtime_traced_cpu_us_per_msg: round(traced.cpuUsPerMsg, 1),
      runtime_untraced_cpu_us_per_msg: round(untraced.cpuUsPerMsg, 1),
      runtime_platformatic_untraced_cpu_us_per_msg: round(platformatic.cpuUsPerMsg, 1),
      naive_cpu_us_per_msg: round(naive.cpuUsPerMsg, 1),
      // Of that, the event-loop thread's: the rest is GC helper threads, the compiler, libuv.
      runtime_traced_main_thread_cpu_us_per_msg: round(traced.mainCpuUsPerMsg, 1),
      runtime_untraced_main_thread_cpu_us_per_msg: round(untraced.mainCpuUsPerMsg, 1),
      // What tracing costs the hop's process per message: every thread, export included.
      tracing_cpu_us_per_msg: round(traced.cpuUsPerMsg - untraced.cpuUsPerMsg, 1),
      // The same over the warm-up (1,000th → WARMUPth message), and throughput over the whole backlog.
      runtime_traced_warmup_cpu_us_per_msg: round(traced.warmupCpuUsPerMsg, 1),
      runtime_untraced_warmup_cpu_us_per_msg: round(untraced.warmupCpuUsPerMsg, 1),
      tracing_warmup_cpu_us_per_msg: round(traced.warmupCpuUsPerMsg - untraced.warmupCpuUsPerMsg, 1),
      runtime_traced_whole_backlog_msgs_per_s: round(traced.wholeBacklogMsgsPerS),
      runtime_untraced_whole_backlog_msgs_per_s: round(untraced.wholeBacklogMsgsPerS),
      naive_whole_backlog_msgs_per_s: round(naive.wholeBacklogMsgsPerS),
      // Rows the warehouse stored per message of a traced run (one process span per message per hop).
      warehouse_spans_per_msg: round(median(spansPerMsg), 2),
      // Σ adtrace.cost.cpu_us over a traced run's spans ÷ the child's CPU over its whole life:
      // at most 1 if spans are charged honestly; what is left is start-up, fetching, export, GC.
      span_cpu_vs_process_cpu: round(median(spanCpuShare), 2),
      dropped_spans: traced.droppedSpans + naive.droppedSpans,
      ...(baseline && {
        baseline_traced_msgs_per_s: round(baseline.msgsPerS),
        baseline_traced_cpu_us_per_msg: round(baseline.cpuUsPerMsg, 1),
        baseline_tracing_cpu_us_per_msg: round(baseline.cpuUsPerMsg - untraced.cpuUsPerMsg, 1),
        baseline_traced_main_thread_cpu_us_per_msg: round(baseline.mainCpuUsPerMsg, 1),
      }),
    };
    const ratios = {
      throughput_vs_naive: round(traced.msgsPerS / naive.msgsPerS, 2),
      throughput_traced_vs_untraced: round(traced.msgsPerS / untraced.msgsPerS, 2),
      // The client port alone: same runtime, same hop, untraced; not a goal.
      throughput_platformatic_vs_kafkajs_untraced: round(platformatic.msgsPerS / untraced.msgsPerS, 2),
      // BENCH_HOP_BASELINE: this checkout's tracing CPU per message over the baseline's, same run.
      ...(baseline && {
        tracing_cpu_vs_baseline: round(
          (traced.cpuUsPerMsg - untraced.cpuUsPerMsg) / (baseline.cpuUsPerMsg - untraced.cpuUsPerMsg),
          2,
        ),
        throughput_traced_vs_baseline: round(traced.msgsPerS / baseline.msgsPerS, 2),
      }),
    };
    const measured: Record<keyof typeof GOALS, number> = { ...figures, ...ratios };
    const goals = Object.entries(GOALS).map(([name, goal]) => {
      const v = measured[name as keyof typeof GOALS];
      const met = 'min' in goal ? v >= goal.min : v <= goal.max;
      return `${name} ${v} (goal ${'min' in goal ? `≥ ${goal.min}` : `≤ ${goal.max}`}: ${met ? 'met' : 'MISSED'})`;
    });
    const pad = (x: number, width: number, digits = 0) => String(round(x, digits)).padStart(width);
    const row = (name: string, m: Measured) =>
      `| ${name.padEnd(34)} | ${pad(m.msgsPerS, 8)} | ${pad(m.p99Ms, 12, 1)} | ${pad(m.cpuUsPerMsg, 10, 1)} | ${pad(m.wholeBacklogMsgsPerS, 14)} | ${pad(m.warmupCpuUsPerMsg, 17, 1)} |`;
    const table = [
      `${BACKLOG} backlog messages per pipeline (msg/s and CPU in the steady state: from the ${WARMUP}th message; the warm-up columns from the ${WARMUP_MARK}th), then ${PACED} at ${PACE_PER_S}/s (p99 latency); ${PARTITIONS} partitions; each pipeline its own process; traced = the production preload exporting OTLP to the warehouse; runtime: median of ${ROUNDS} rounds; platformatic = the runtime on its @platformatic/kafka client port (kafkajs otherwise)`,
      '| pipeline                           |    msg/s | p99 hop (ms) | CPU µs/msg | msg/s, whole | warm-up CPU µs/msg |',
      '| ---------------------------------- | -------: | -----------: | ---------: | -----------: | ----------------: |',
      row('runtime, traced (production)', traced),
      row('runtime, untraced', untraced),
      row('runtime, untraced, platformatic', platformatic),
      row('naive eachMessage + send, traced', naive),
      ...(baseline ? [row('runtime, traced, BENCH_HOP_BASELINE', baseline)] : []),
      `warehouse rows per traced message ${figures.warehouse_spans_per_msg}; dropped spans ${figures.dropped_spans}; tracing over the warm-up ${figures.tracing_warmup_cpu_us_per_msg} µs/msg`,
      "rounds in the order they ran (CPU per message, every thread; in brackets the event-loop thread's; msg/s):",
      '| round | load avg | untraced | traced | traced, BENCH_HOP_BASELINE |',
      '| --- | --- | --- | --- | --- |',
      ...roundRows,
      `CPU charged to a traced run's spans ÷ its process CPU ${figures.span_cpu_vs_process_cpu} (honest: ≤ 1)`,
      ...goals,
    ].join('\n');
    return { figures, ratios, table };
  } finally {
    await warehouse.cleanup();
    await admin.deleteTopics({ topics: [dlq] }).catch(() => {});
    await admin.disconnect();
  }
}

if (import.meta.main) {
  const result = await run();
  console.log(result.table);
  console.log(JSON.stringify({ figures: result.figures, ratios: result.ratios }));
}
