// OTLP spans in → rows committed, DuckDB and PostgreSQL, same workload, one run. A raw gRPC
// client sends pre-encoded ExportTraceServiceRequests (so the figure is the receiver's, not an
// SDK's), CONCURRENCY requests in flight like several services' exporters; a request counts
// when the receiver answers OK, which it does only once its spans are committed.
// Run: pnpm bench warehouse   (PostgreSQL: WAREHOUSE_BENCH_URL, default postgres://postgres@127.0.0.1:5432/test)
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toConfig as toWarehouseConfig, type WarehouseConfig } from '@adtrace/warehouse';
import { dropPostgresSchema } from '@adtrace/warehouse/testing';

const SPANS = { duckdb: 400_000, postgres: 200_000 } as const;
const TRACES_PER_REQUEST = 512; // × 8 spans = 4096 spans per request: our batch span processor's export size
const CONCURRENCY = 16; // e.g. four services × four exporter requests in flight (the OTLP exporter allows 30)
const PG_URL = process.env.WAREHOUSE_BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Attrs = Record<string, string | number | boolean>;
interface SpanInput {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attrs;
}
interface Service {
  otlpPort: number;
  sink: { stats: { spansInserted: number; loads: number } };
  warehouse: { stageStats(q?: object): Promise<{ events: number }> };
  stop(): Promise<void>;
}
// The service is not a dependency of the bench package: load it by path.
const svc = (await import(new URL('../services/warehouse/src/index.ts', import.meta.url).href)) as {
  readEnv(env: object): object;
  toConfig(env: object): { loader: object };
  startWarehouseService(config: object, options: object): Promise<Service>;
  encodeExportRequest(r: { attributes: Record<string, string>; spans: SpanInput[] }[]): Buffer;
  createRawOtlpClient(address: string): { export(b: Buffer): Promise<void>; close(): void };
};

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const cost = (cpuUs: number, kafkaBytes: number): Attrs => {
  const compute = (cpuUs / 3.6e9) * 0.04048;
  const kafka = (kafkaBytes / 1024 ** 3) * 0.05;
  return {
    'adtrace.cost.cpu_us': cpuUs,
    'adtrace.cost.compute_usd': compute,
    'adtrace.cost.kafka_usd': kafka,
    'adtrace.cost.query_usd': 0,
    'adtrace.cost.usd': compute + kafka,
  };
};

/** One ad event's trace over three hops: process, handler span, send per hop (8 spans). */
function eventSpans(i: number, t0: bigint): Record<string, SpanInput[]> {
  const traceId = hex(16);
  const eventId = `evt-bench-${i}`;
  const ms = 1_000_000n;
  const span = (
    name: string,
    kind: number,
    parent: string | undefined,
    at: number,
    dur: number,
    extra: Attrs,
  ): SpanInput => ({
    traceId,
    spanId: hex(8),
    ...(parent && { parentSpanId: parent }),
    name,
    kind,
    startTimeUnixNano: t0 + (BigInt(at) * ms) / 10n,
    endTimeUnixNano: t0 + (BigInt(at + dur) * ms) / 10n,
    attributes: { 'adtrace.event_id': eventId, ...extra },
  });
  const msg = (topic: string, op: string, offset: number): Attrs => ({
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.operation.type': op,
    'messaging.kafka.offset': offset,
    'messaging.destination.partition.id': String(i % 6),
    'adtrace.kafka.bytes': 420,
  });
  const p1 = span('process adtrace.bid-requests.raw', 5, undefined, 0, 12, {
    ...msg('adtrace.bid-requests.raw', 'process', i),
    ...cost(180, 420),
  });
  const s1 = span('send adtrace.bid-requests', 4, p1.spanId, 9, 2, {
    ...msg('adtrace.bid-requests', 'send', i),
    ...cost(30, 420),
  });
  const p2 = span('process adtrace.bid-requests', 5, s1.spanId, 20, 15, {
    ...msg('adtrace.bid-requests', 'process', i),
    'messaging.consumer.group.name': 'profiling',
    ...cost(60, 420),
  });
  const h2 = span('ads.build_user_profile', 1, p2.spanId, 21, 9, {
    'user.key': `u-${i % 9973}`,
    'ads.profile.cache_hit': i % 3 === 0,
    ...cost(240, 0),
  });
  const s2 = span('send adtrace.profiled-requests', 4, p2.spanId, 31, 2, {
    ...msg('adtrace.profiled-requests', 'send', i),
    ...cost(30, 600),
  });
  const p3 = span('process adtrace.profiled-requests', 5, s2.spanId, 40, 30, {
    ...msg('adtrace.profiled-requests', 'process', i),
    'messaging.consumer.group.name': 'auction',
    ...cost(50, 600),
  });
  const h3 = span('ads.auction', 1, p3.spanId, 42, 24, {
    'ads.candidates': 40 + (i % 17),
    'ads.bid_price': 1.25,
    'ads.pctr': 0.021,
    ...cost(900, 0),
  });
  const s3 = span('send adtrace.auction-outcomes', 4, p3.spanId, 67, 2, {
    ...msg('adtrace.auction-outcomes', 'send', i),
    ...cost(30, 300),
  });
  return { ingest: [p1, s1], profiling: [p2, h2, s2], auction: [p3, h3, s3] };
}

function requests(spans: number): Buffer[] {
  const out: Buffer[] = [];
  const t0 = BigInt(Date.now()) * 1_000_000n;
  for (let done = 0; done < spans / 8; done += TRACES_PER_REQUEST) {
    const byService: Record<string, SpanInput[]> = { ingest: [], profiling: [], auction: [] };
    for (let i = done; i < done + TRACES_PER_REQUEST; i++) {
      for (const [service, list] of Object.entries(eventSpans(i, t0))) byService[service]!.push(...list);
    }
    out.push(
      svc.encodeExportRequest(
        Object.entries(byService).map(([name, s]) => ({
          attributes: { 'service.name': name, 'service.version': '0.1.0' },
          spans: s,
        })),
      ),
    );
  }
  return out;
}

async function measure(name: 'duckdb' | 'postgres', warehouse: WarehouseConfig) {
  const base = svc.toConfig(svc.readEnv({}));
  const service = await svc.startWarehouseService(
    { ...base, warehouse, host: '127.0.0.1', otlpPort: 0, apiPort: 0, loader: { ...base.loader, enabled: false } },
    { log: () => {} },
  );
  const client = svc.createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
  try {
    await client.export(requests(2048)[0]!); // warm-up: connections, JIT, first transaction
    const before = service.sink.stats;
    const batch = requests(SPANS[name]);
    const spans = batch.length * TRACES_PER_REQUEST * 8;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < batch.length) await client.export(batch[next++]!);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const inserted = service.sink.stats.spansInserted - before.spansInserted;
    if (inserted !== spans) throw new Error(`${name}: ${inserted} of ${spans} spans committed`);
    const loads = service.sink.stats.loads - before.loads;
    // Every thread of this process: the receiver, DuckDB's (PostgreSQL's server is another process,
    // not counted), and the client's sends of pre-encoded requests.
    return { spans, seconds, perSecond: spans / seconds, loads, cpuUsPerSpan: (cpu.user + cpu.system) / spans };
  } finally {
    client.close();
    await service.stop();
  }
}

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-bench-wh-'));
  const schema = `bench_wh_${hex(4)}`;
  try {
    // The warehouse service's own DuckDB settings (one thread, its commit interval).
    const duck = await measure('duckdb', toWarehouseConfig({ WAREHOUSE_PATH: join(dir, 'warehouse.duckdb') }));
    const pg = await measure('postgres', { kind: 'postgres', url: PG_URL, schema, poolSize: 4 });
    const row = (n: string, r: typeof duck) =>
      `${n.padEnd(10)} ${String(r.spans).padStart(8)} ${r.seconds.toFixed(2).padStart(8)} ${Math.round(r.perSecond).toString().padStart(10)} ${String(r.loads).padStart(6)} ${Math.round(
        r.spans / r.loads,
      )
        .toString()
        .padStart(9)}  ${r.cpuUsPerSpan.toFixed(2).padStart(10)}`;
    const table = [
      `OTLP/gRPC → committed rows; ${TRACES_PER_REQUEST * 8} spans per request, ${CONCURRENCY} in flight`,
      'warehouse     spans  seconds    spans/s  loads  spans/txn  CPU µs/span (this process)',
      row('duckdb', duck),
      row('postgres', pg),
    ].join('\n');
    return {
      figures: {
        spans_per_s_duckdb: Math.round(duck.perSecond),
        spans_per_s_postgres: Math.round(pg.perSecond),
        cpu_us_per_span_duckdb: Number(duck.cpuUsPerSpan.toFixed(2)),
        cpu_us_per_span_postgres_receiver: Number(pg.cpuUsPerSpan.toFixed(2)),
      },
      ratios: {
        duckdb_vs_postgres: Number((duck.perSecond / pg.perSecond).toFixed(2)),
        duckdb_vs_goal_50k: Number((duck.perSecond / 50_000).toFixed(2)),
      },
      table,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropPostgresSchema(PG_URL, schema).catch(() => {});
  }
}

if (import.meta.main) console.log(await run());
