// The ingest service as users run it — its own process, services/ingest/src/main.ts with the
// telemetry preloaded (the stock kafkajs instrumentation included) — exporting its spans to the
// warehouse service in PostgreSQL. Upstream breaks the raw topic's contract and keys its records
// by the raw user id. Afterwards a scan of every span row the warehouse holds, of ingest's own
// output (its log) and of every record it wrote finds none of the raw user ids, device ids or
// IPs sent, and each event's trace continues upstream's and names the OpenRTB request id.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropPostgresSchema } from '@adtrace/warehouse/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainTopic } from '../../packages/stream/test/support/kafka-io.ts';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { freePort } from '../support/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const preload = join(root, 'packages/telemetry/src/preload.ts');
const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = 6;
const run = randomUUID().slice(0, 8);

const children: { child: ChildProcess; output: () => string }[] = [];
function startService(name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', preload, join(root, 'services', name, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      KAFKA_BROKERS: testBrokers().join(','),
      OTEL_SERVICE_NAME: name,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      ADTRACE_METRICS_PORT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const handle = { child, output: () => output };
  children.push(handle);
  return handle;
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

/** One request with identifiers of its own, all unique to this run. */
function request(i: number) {
  const ids = {
    userId: `raw-user-${i}-${run}`,
    ifa: `${run}-00${i}-4ba4-ae5b-76104861e7dc`,
    ip: `192.0.2.${200 + i}`,
    ipv6: `2001:db8:${i + 1}:7a00:1234:5678:9abc:def${i}`,
  };
  const body = {
    id: `req-proc-${i}-${run}`,
    imp: [{ id: '1', banner: { w: 300, h: 250 }, bidfloor: 0.5 }],
    site: { domain: 'news.example.com', page: 'https://news.example.com/a' },
    device: { ip: ids.ip, ipv6: ids.ipv6, ifa: ids.ifa, geo: { lat: 51.5072, lon: -0.1276, country: 'GBR' } },
    user: { id: ids.userId, buyeruid: `dsp-${ids.userId}`, yob: 1990 },
    // Half under GDPR without consent (contextual), half personalized.
    regs: i % 2 === 0 ? { gdpr: 1 } : { coppa: 0 },
  };
  return { ids, body, traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
}
const requests = Array.from({ length: EVENTS }, (_, i) => request(i));
// Invalid (at = 3): a dead letter, keyed by the raw user id too.
const invalid = request(EVENTS);

describe('ingest as a process, its spans in the warehouse', () => {
  const schema = `test_ingest_${randomBytes(4).toString('hex')}`;
  let topics: TestTopics<'raw' | 'requests' | 'dlq'>;
  let api: string;
  let ingest: ReturnType<typeof startService>;
  let ingestExit: number | null;

  beforeAll(async () => {
    topics = await testTopics(['raw', 'requests', 'dlq'], { partitions: 3 });
    const [otlpPort, apiPort, healthPort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    const otlp = `http://127.0.0.1:${otlpPort}`;
    startService('warehouse', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      WAREHOUSE_URL: PG_URL,
      WAREHOUSE_PG_SCHEMA: schema,
      WAREHOUSE_OTLP_PORT: String(otlpPort),
      WAREHOUSE_API_PORT: String(apiPort),
      WAREHOUSE_LOADER: 'off',
    });
    await eventually('the warehouse service', async () => ((await fetch(`${api}/api/health`)).ok ? true : undefined));
    ingest = startService('ingest', {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      INGEST_USER_KEY_SECRET: randomBytes(32).toString('hex'),
      INGEST_GROUP: uniqueGroupId('ingest'),
      INGEST_RAW_TOPIC: topics.names.raw,
      INGEST_REQUESTS_TOPIC: topics.names.requests,
      INGEST_DEAD_LETTER_TOPIC: topics.names.dlq,
      INGEST_HEALTH_PORT: String(healthPort),
    });
    await eventually('ingest ready', async () =>
      (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok ? true : undefined,
    );
    const producer = testKafka('e2e-upstream').producer();
    await producer.connect();
    await producer.send({
      topic: topics.names.raw,
      messages: [...requests, { ...invalid, body: { ...invalid.body, at: 3 } }].map((r) => ({
        key: r.ids.userId,
        value: JSON.stringify(r.body),
        headers: { traceparent: `00-${r.traceId}-${r.spanId}-01` },
      })),
    });
    await producer.disconnect();
    const kafka = testKafka('e2e-drain');
    await eventually('every request through ingest', async () => {
      const [out, dlq] = await Promise.all([
        drainTopic(kafka, topics.names.requests),
        drainTopic(kafka, topics.names.dlq),
      ]);
      return out.length >= EVENTS && dlq.length >= 1 ? true : undefined;
    });
    // SIGTERM: it drains, flushes its spans to the warehouse and exits.
    ingest.child.kill('SIGTERM');
    ingestExit = await exited(ingest.child);
  });

  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => exited(child)));
    await topics?.cleanup();
    await dropPostgresSchema(PG_URL, schema);
  });

  async function spanRows(): Promise<Record<string, unknown>[]> {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT replace(trace_id::text, '-', '') AS trace_id, service, name, status_message, event_id, attributes
         FROM ${schema}.spans WHERE service = 'ingest'`,
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  it('stops cleanly and its spans reach the warehouse: ads.serve in upstream’s trace, with the request id', async () => {
    expect(ingestExit, ingest.output()).toBe(0);
    const rows = await eventually('ingest spans in the warehouse', async () => {
      const r = await spanRows();
      return r.filter((x) => x.name === 'ads.serve').length >= EVENTS ? r : undefined;
    });
    for (const r of requests) {
      const serve = rows.find(
        (x) => x.name === 'ads.serve' && (x.attributes as Record<string, unknown>)['openrtb.request_id'] === r.body.id,
      );
      expect(serve, r.body.id).toBeDefined();
      expect(serve!.trace_id).toBe(r.traceId);
      expect(serve!.event_id).toMatch(/^[0-9a-f-]{36}$/);
      const inTrace = rows.filter((x) => x.trace_id === r.traceId).map((x) => x.name);
      expect(inTrace).toEqual(
        expect.arrayContaining([`process ${topics.names.raw}`, 'ads.serve', 'ads.ingest.reduce_pii']),
      );
      // One span per message per hop: the request written to the next topic has none of its own.
      expect(inTrace).not.toContain(`send ${topics.names.requests}`);
    }
  });

  it('adtrace trace <OpenRTB request id> finds the event by the one id upstream knows', async () => {
    const run = promisify(execFile);
    const cli = join(root, 'packages/cli/src/main.ts');
    for (const r of requests) {
      const { stdout } = await run(process.execPath, [cli, 'trace', r.body.id, '--json'], {
        env: { ...process.env, ADTRACE_WAREHOUSE_API: api },
        timeout: 30_000,
      });
      const trace = JSON.parse(stdout) as { traceId: string; requestId: string; foundBy: string; eventId: string };
      expect(trace).toMatchObject({ traceId: r.traceId, requestId: r.body.id, foundBy: 'requestId' });
      expect(trace.eventId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('lets none of the raw user ids, device ids or IPs into a span row, its log or a record it wrote', async () => {
    const rows = await spanRows();
    // process, ads.serve and ads.ingest.reduce_pii per event (its output has no span of its own).
    expect(rows.length).toBeGreaterThanOrEqual(EVENTS * 3);
    const spanText = rows.map((r) => JSON.stringify(r));
    const written = (await drainTopic(testKafka('e2e-scan'), topics.names.requests)).map((m) =>
      [m.key?.toString('latin1'), m.value?.toString('latin1'), ...Object.values(m.headers ?? {}).map(String)].join(
        '\n',
      ),
    );
    const log = ingest.output();
    const secrets = [...requests, invalid].flatMap((r) => [r.ids.userId, r.ids.ifa, r.ids.ip, r.ids.ipv6]);
    for (const secret of secrets) {
      expect(
        spanText.filter((t) => t.includes(secret)),
        `${secret} in a span row`,
      ).toEqual([]);
      expect(
        written.filter((t) => t.includes(secret)),
        `${secret} in an output`,
      ).toEqual([]);
      expect(log.includes(secret), `${secret} in ingest's log`).toBe(false);
    }
  });
});
