// `pnpm bench spans`: what a traced message's span costs its process, part by part, without
// Kafka: making it (the runtime's lean tracer vs the SDK's Tracer.startSpan, both through the
// production span processors), encoding it (OTLP protobuf), and sending it (the production
// OTLP/gRPC exporter to the warehouse receiver, which the bench starts in its own process).
// Each pipeline is a child process (fixtures/spans-child.ts); CPU per span over every thread
// (the event-loop thread's in brackets), median of 5 rounds of 40,000 spans. The hop bench
// measures the whole; this one says where it goes (bench/README.md, "spans").
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tracked } from './children.ts';

const svc = (await import(new URL('../services/warehouse/src/index.ts', import.meta.url).href)) as {
  readEnv(env: Record<string, string>): unknown;
  toConfig(env: unknown): { loader: object };
  startWarehouseService(
    config: object,
    options: { log: () => void },
  ): Promise<{ otlpPort: number; stop(): Promise<void> }>;
};

type Result = { rounds: [number, number][]; dropped: number };
const PIPELINES = [
  ['lean', 'discard'],
  ['service', 'discard'],
  // Per message, not per span: a message not sampled, nothing recorded (fixtures/spans-child.ts).
  ['unsampled', 'discard'],
  ['sdk', 'discard'],
  ['lean', 'serialize'],
  ['lean', 'grpc'],
  ['sdk', 'grpc'],
] as const;

function child(maker: string, mode: string, endpoint: string): Promise<Result> {
  const proc: ChildProcess = tracked(
    fork(join(import.meta.dirname, 'fixtures/spans-child.ts'), {
      env: {
        ...process.env,
        BENCH_SPANS_MAKER: maker,
        BENCH_SPANS_EXPORT: mode,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  return new Promise((resolve, reject) => {
    proc.once('message', (m: Result) => resolve(m));
    proc.once('exit', (code) =>
      reject(new Error(`bench spans child (${maker}, ${mode}) exited ${code} before its result`)),
    );
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-bench-spans-'));
  // The service's own settings (DuckDB on one thread, its commit interval), on a file of its own.
  const base = svc.toConfig(svc.readEnv({ WAREHOUSE_PATH: join(dir, 'warehouse.duckdb') }));
  const warehouse = await svc.startWarehouseService(
    {
      ...base,
      host: '127.0.0.1',
      otlpPort: 0,
      apiPort: 0,
      loader: { ...base.loader, enabled: false },
    },
    { log: () => {} },
  );
  try {
    const endpoint = `http://127.0.0.1:${warehouse.otlpPort}`;
    const figures: Record<string, number> = {};
    const rows: string[] = [];
    let dropped = 0;
    for (const [maker, mode] of PIPELINES) {
      const r = await child(maker, mode, endpoint);
      const [all, main] = [median(r.rounds.map((x) => x[0])), median(r.rounds.map((x) => x[1]))];
      figures[`${maker}_${mode}_cpu_us_per_span`] = round(all);
      figures[`${maker}_${mode}_main_thread_cpu_us_per_span`] = round(main);
      dropped += r.dropped;
      const each = r.rounds.map((x) => round(x[0], 1)).join(', ');
      const label = maker === 'unsampled' ? 'unsampled (per message: its 2 spans not made)' : maker;
      rows.push(`| ${label} | ${mode} | ${round(all)} (${round(main)}) | ${each} |`);
    }
    figures.dropped_spans = dropped;
    const ratios = {
      // Making a span, lean vs the SDK's (both batched, nothing encoded).
      making_lean_vs_sdk: round(figures.lean_discard_cpu_us_per_span! / figures.sdk_discard_cpu_us_per_span!),
      making_service_vs_sdk: round(figures.service_discard_cpu_us_per_span! / figures.sdk_discard_cpu_us_per_span!),
      // Of a lean span's whole cost to its process: encoding, and the gRPC transport after it.
      encoding_share: round(
        (figures.lean_serialize_cpu_us_per_span! - figures.lean_discard_cpu_us_per_span!) /
          figures.lean_grpc_cpu_us_per_span!,
      ),
      transport_share: round(
        (figures.lean_grpc_cpu_us_per_span! - figures.lean_serialize_cpu_us_per_span!) /
          figures.lean_grpc_cpu_us_per_span!,
      ),
    };
    const table = [
      'process-span-shaped spans through the production telemetry, no Kafka; CPU µs per span, every thread (event-loop thread); median of 5 rounds of 40,000',
      '| maker | export | CPU µs/span | rounds |',
      '| --- | --- | ---: | --- |',
      ...rows,
    ].join('\n');
    return { table, figures, ratios };
  } finally {
    await warehouse.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
