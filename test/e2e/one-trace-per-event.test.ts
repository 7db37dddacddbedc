// The pipeline's promise, across real processes: an upstream producer, two services on the
// stream runtime and the warehouse service, each its own Node process with the telemetry
// preloaded and exporting OTLP/gRPC to the warehouse. Each event yields one trace whose spans
// chain producer → consumer across every hop, lands as span rows with cost, and reads back
// through `adtrace trace --json`. A backlog of BULK more events then goes through both relays
// on 3 partitions, and each relay's spans together must have been charged no more CPU than the
// relay process spent in its whole life.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { freePort } from '../support/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const preload = join(root, 'packages/telemetry/src/preload.ts');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const EVENTS = 5;
const BULK = 3000;
// List prices (packages/telemetry README "Prices"), written out rather than read from the code under test.
const VCPU_HOUR_USD = 0.04048;
const KAFKA_IN_GIB_USD = 0.1;
const KAFKA_OUT_GIB_USD = 0.05;

interface Stage {
  stage: string;
  events: number;
  computeUsd: number;
}

interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: string;
  durationMs: number;
  computeUsd: number;
  costUsd: number;
  attributes: Record<string, unknown>;
}

const children: ChildProcess[] = [];
function startNode(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', preload, script, ...args], {
    cwd: root,
    env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), OTEL_BSP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code) console.error(`${script} exited ${code}:\n${output}`);
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('one trace per ad event, across processes, into the warehouse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-e2e-'));
  const events = Array.from({ length: EVENTS }, (_, i) => `evt-e2e-${i}-${randomUUID().slice(0, 8)}`);
  let topics: TestTopics<'raw' | 'middle' | 'out' | 'dlq'>;
  let api: string;
  let relays: ChildProcess[] = [];

  beforeAll(async () => {
    topics = await testTopics(['raw', 'middle', 'out', 'dlq'], { partitions: 3 });
    const [otlpPort, apiPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    const otlp = `http://127.0.0.1:${otlpPort}`;
    startNode(join(root, 'services/warehouse/src/main.ts'), [], {
      OTEL_SERVICE_NAME: 'warehouse',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      WAREHOUSE_OTLP_PORT: String(otlpPort),
      WAREHOUSE_API_PORT: String(apiPort),
      WAREHOUSE_LOADER: 'off',
      ADTRACE_METRICS_PORT: '',
    });
    await eventually('the warehouse service', async () => ((await fetch(`${api}/api/health`)).ok ? true : undefined));

    const relay = (name: string, input: string, output: string) =>
      startNode(fixture('relay.ts'), [], {
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
        RELAY_GROUP: uniqueGroupId(name),
        RELAY_IN: input,
        RELAY_OUT: output,
        RELAY_DEAD_LETTER_TOPIC: topics.names.dlq,
        RELAY_MODE: name === 'relay-b' ? 'exactly-once' : 'at-least-once',
        RELAY_CPU_FILE: join(dir, `${name}.cpu.json`),
        ADTRACE_METRICS_PORT: '',
      });
    relays = [
      relay('relay-a', topics.names.raw, topics.names.middle),
      relay('relay-b', topics.names.middle, topics.names.out),
    ];
    const upstream = startNode(fixture('upstream.ts'), [topics.names.raw, ...events], {
      OTEL_SERVICE_NAME: 'upstream',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    });
    expect(await exited(upstream)).toBe(0);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    await topics?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains upstream send → relay-a → relay-b in one trace per event, with cost on every span', async () => {
    const expected = ['upstream', 'relay-a', 'relay-b'];
    for (const eventId of events) {
      const trace = await eventually(`the whole trace of ${eventId}`, async () => {
        const res = await fetch(`${api}/api/traces/${eventId}`);
        if (!res.ok) return undefined;
        const body = (await res.json()) as { spans: SpanView[] };
        // upstream's send, then per relay its process and ads.relay spans (no span per output).
        const count = (kind: string) => body.spans.filter((s) => s.kind === kind).length;
        const relayed = body.spans.filter((s) => s.name === 'ads.relay').length;
        return count('producer') >= 1 && count('consumer') >= 2 && relayed >= 2 ? body : undefined;
      });
      const spans = trace.spans;
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set(expected));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const roots = spans.filter((s) => s.parentSpanId === null);
      expect(roots.map((s) => [s.service, s.kind])).toEqual([['upstream', 'producer']]);
      // Every consumer span's parent is the span the message it consumed was written in, in the
      // service before it: the chain the issue asks for, hop by hop. The relays return their
      // outputs (not ctx.emit inside ads.relay), so that is the previous relay's process span.
      const process = (service: string) => spans.find((s) => s.service === service && s.kind === 'consumer')!;
      const send = (service: string) => spans.find((s) => s.service === service && s.kind === 'producer')!;
      expect(byId.get(process('relay-a').parentSpanId!)).toBe(send('upstream'));
      expect(byId.get(process('relay-b').parentSpanId!)).toBe(process('relay-a'));
      // One span per message per hop: the relays record no producer span.
      expect(spans.filter((s) => s.kind === 'producer').map((s) => s.service)).toEqual(['upstream']);
      for (const s of spans.filter((x) => x.service !== 'upstream')) {
        expect(s.attributes['adtrace.event_id'], `${s.service} ${s.name}`).toBe(eventId);
      }
      for (const s of spans) {
        // Priced at the list prices by the warehouse as it loaded the span (no prices on the
        // span itself), from what the span measured: CPU, and bytes produced (data in: a
        // producer span's, or what a process span's message wrote) or consumed (data out).
        const cpuUs = s.attributes['adtrace.cost.cpu_us'];
        const bytes = Number(s.attributes['adtrace.kafka.bytes'] ?? 0);
        const written = Number(s.attributes['adtrace.kafka.produced_bytes'] ?? 0);
        expect(cpuUs, `${s.service} ${s.name}`).toBeTypeOf('number');
        const compute = ((cpuUs as number) / 3.6e9) * VCPU_HOUR_USD;
        const kafka =
          (bytes / 1024 ** 3) * (s.kind === 'producer' ? KAFKA_IN_GIB_USD : KAFKA_OUT_GIB_USD) +
          (written / 1024 ** 3) * KAFKA_IN_GIB_USD;
        expect(s.attributes['adtrace.cost.compute_usd'], `${s.service} ${s.name}`).toBeUndefined();
        expect(s.computeUsd).toBeCloseTo(compute, 18);
        expect(s.costUsd).toBeCloseTo(compute + kafka, 18);
      }
      for (const s of [process('relay-a'), process('relay-b'), send('upstream')]) {
        expect(Number(s.attributes['adtrace.kafka.bytes']), `${s.service} ${s.name}`).toBeGreaterThan(0);
      }
      for (const s of [process('relay-a'), process('relay-b')]) {
        expect(Number(s.attributes['adtrace.kafka.produced_bytes']), `${s.service} ${s.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('reads back the same tree through `adtrace trace --json`', async () => {
    const run = promisify(execFile);
    const eventId = events[0]!;
    const { stdout } = await run(
      process.execPath,
      [join(root, 'packages/cli/src/main.ts'), 'trace', eventId, '--json'],
      {
        env: { ...process.env, ADTRACE_WAREHOUSE_API: api },
      },
    );
    const cli = JSON.parse(stdout) as { eventId: string; traceId: string; spans: SpanView[] };
    const fromApi = (await (await fetch(`${api}/api/traces/${eventId}`)).json()) as { spans: SpanView[] };
    expect(cli.eventId).toBe(eventId);
    const edges = (spans: SpanView[]) => spans.map((s) => `${s.parentSpanId}→${s.spanId}`).sort();
    expect(edges(cli.spans)).toEqual(edges(fromApi.spans));
  });

  it("relays a backlog on 3 partitions and charges each relay's spans no more CPU than the relay spent", async () => {
    const producer = testKafka('e2e-bulk').producer();
    await producer.connect();
    for (let n = 0; n < BULK; n += 500) {
      await producer.send({
        topic: topics.names.raw,
        messages: Array.from({ length: Math.min(500, BULK - n) }, (_, k) => ({
          key: `user-${(n + k) % 97}`,
          value: JSON.stringify({ eventId: `evt-bulk-${n + k}` }),
          headers: { 'adtrace.event-id': `evt-bulk-${n + k}` },
        })),
      });
    }
    await producer.disconnect();
    const all = EVENTS + BULK;
    await eventually(`${all} events through relay-b`, async () => {
      const { stages } = (await (await fetch(`${api}/api/cost?by=service`)).json()) as { stages: Stage[] };
      return (stages.find((s) => s.stage === 'relay-b')?.events ?? 0) >= all ? true : undefined;
    });

    for (const child of relays) child.kill('SIGTERM');
    expect(await Promise.all(relays.map(exited))).toEqual([0, 0]); // stops cleanly; telemetry flushed
    const { stages } = (await (await fetch(`${api}/api/cost?by=service`)).json()) as { stages: Stage[] };
    // By span name: each span where it is (by service, a stage's cost also holds the warehouse's
    // storing of its spans, which is not the relay's CPU).
    const bySpan = (await (await fetch(`${api}/api/cost?by=span`)).json()) as { stages: Stage[] };
    for (const name of ['relay-a', 'relay-b']) {
      const cpu = JSON.parse(readFileSync(join(dir, `${name}.cpu.json`), 'utf8')) as NodeJS.CpuUsage;
      const stage = stages.find((s) => s.stage === name)!;
      expect(stage.events).toBeGreaterThanOrEqual(all);
      // Every span the relay ended is in the warehouse (it flushes before it exits), all in
      // event traces: their summed CPU is at most what the process used in its whole life.
      const ownComputeUsd = bySpan.stages
        .filter((s) => s.stage.startsWith(`${name} `))
        .reduce((n, s) => n + s.computeUsd, 0);
      const chargedUs = (ownComputeUsd / VCPU_HOUR_USD) * 3.6e9;
      const ownUs = cpu.user + cpu.system;
      console.log(
        `${name}: spans charged ${(chargedUs / 1e3).toFixed(0)} ms CPU of the relay's ${(ownUs / 1e3).toFixed(0)} ms (${(chargedUs / ownUs).toFixed(2)})`,
      );
      expect(chargedUs, name).toBeGreaterThan(0);
      expect(chargedUs, `${name}: CPU charged to its spans vs its own CPU (µs)`).toBeLessThanOrEqual(
        cpu.user + cpu.system,
      );
    }
  });
});
