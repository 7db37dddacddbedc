import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testTopics } from '../../../test/support/kafka.ts';
import type { WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, getJson, startTestService } from './support.ts';

const root = join(import.meta.dirname, '../../..');
const preload = join(root, 'packages/telemetry/src/preload.ts');
const fixture = join(import.meta.dirname, 'fixtures/plain-kafkajs-producer.ts');
const run = promisify(execFile);

/**
 * The kafkajs instrumentation must patch kafkajs although kafkajs is CommonJS and our code is
 * ESM, and test runners can hide a failure: so a separate Node process, started the way
 * `adtrace up` starts a service, produces with plain kafkajs and exports to a real receiver.
 */
describe('the telemetry preload instruments plain kafkajs', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;
  let topics: TestTopics<'preload'>;

  beforeAll(async () => {
    service = await startTestService(backend);
    topics = await testTopics(['preload'], { partitions: 1 });
  });
  afterAll(async () => {
    await topics?.cleanup();
    await service?.stop();
    await backend.cleanup();
  });

  const produce = async (withPreload: boolean) => {
    const args = [
      ...(withPreload ? ['--import', preload] : []),
      fixture,
      testBrokers().join(','),
      topics.names.preload,
    ];
    const env = {
      ...process.env,
      OTEL_SERVICE_NAME: 'cli-producer',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${service.otlpPort}`,
      ADTRACE_METRICS_PORT: '0',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    };
    const { stdout } = await run(process.execPath, args, { env, cwd: root, timeout: 60_000 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as { traceparent: string | null };
  };

  it('without the preload, kafkajs sends no traceparent (the control)', async () => {
    expect((await produce(false)).traceparent).toBeNull();
  });

  it('with it, the send span reaches the warehouse with its bytes and cost', async () => {
    const { traceparent } = await produce(true);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [, traceId, spanId] = traceparent!.split('-');
    const body = await eventually(
      async () => {
        const r = await getJson(service.apiPort, `/api/traces/${traceId}`);
        return r.status === 200 ? r.body : undefined;
      },
      20_000,
      'the send span in the warehouse',
    );
    const send = body.spans.find((s: { spanId: string }) => s.spanId === spanId);
    expect(send).toMatchObject({ name: `send ${topics.names.preload}`, kind: 'producer', service: 'cli-producer' });
    expect(send.attributes['messaging.system']).toBe('kafka');
    const bytes = send.attributes['adtrace.kafka.bytes'];
    expect(bytes).toBeGreaterThan(40);
    // Priced at the list prices (README "Prices"): produced bytes as MSK data in, $0.10 per
    // GiB; CPU (a clock window: a plain kafkajs span) at $0.04048 per vCPU-hour.
    const compute = (send.attributes['adtrace.cost.cpu_us'] / 3.6e9) * 0.04048;
    expect(send.kafkaUsd).toBeCloseTo((bytes / 1024 ** 3) * 0.1, 18);
    expect(send.computeUsd).toBeCloseTo(compute, 18);
    expect(send.costUsd).toBeCloseTo(compute + (bytes / 1024 ** 3) * 0.1, 18);
  });
});
