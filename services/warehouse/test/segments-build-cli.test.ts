// `adtrace segments build` as a user runs it: the CLI in its own process asks this warehouse
// service (in-process, DuckDB) for the behavioural members over the query API, reads and
// publishes a compacted topic on the real broker, and sends its spans to the service's OTLP
// receiver, where they land as rows like any service's.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Campaign, createCodec, RecordNames, type UserSegments } from '@adtrace/schemas';
import { type AttributedEventRow, connectWarehouse } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_URL, parseNdjson } from '../../../packages/ads/src/index.ts';
import { drainTopic } from '../../../packages/stream/test/support/kafka-io.ts';
import { impressionRows } from '../../../packages/warehouse/test/impression-rows.ts';
import { type TestTopics, testBrokers, testKafka, testTopics } from '../../../test/support/kafka.ts';
import type { WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, startTestService } from './support.ts';

const root = join(import.meta.dirname, '../../..');
const DAY = 86_400_000;
const kafka = testKafka('segments-build-cli-test');
const backend = duckdbBackend();
let service: WarehouseService;
let topics: TestTopics<'segments' | 'campaigns'>;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    KAFKA_BROKERS: testBrokers().join(','),
    ADTRACE_WAREHOUSE_API: `http://127.0.0.1:${service.apiPort}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${service.otlpPort}`,
    OTEL_METRICS_EXPORTER: 'none',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'packages/cli/src/main.ts'), ...args],
      {
        env,
        timeout: 90_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const click = (impressionId: string, eventTimeMs: number): AttributedEventRow => ({
  eventId: `${impressionId}:click`,
  kind: 'click',
  originalEventId: `evt-${impressionId}`,
  campaignId: 'cmp-0001',
  adId: 'ad-0001-1',
  touch: 'none',
  costMicros: 0,
  valueMicros: 0,
  pctr: 0,
  eventTimeMs,
  attributedAtMs: eventTimeMs,
  traceId: null,
  impressionId,
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion: null,
});

beforeAll(async () => {
  const now = Date.now();
  const wh = await connectWarehouse(backend.config);
  await wh.migrate();
  await wh.loadAttributedEvents([click('i-1', now - DAY)]);
  await wh.loadImpressions(
    impressionRows([
      { impressionId: 'i-1', userKey: 'uk-clicker', campaignId: 'cmp-0001', eventTimeMs: now - DAY },
      { impressionId: 'i-2', userKey: 'uk-viewer', campaignId: 'cmp-0001', eventTimeMs: now - DAY },
    ]),
  );
  await wh.close(); // the service opens the file next (DuckDB: one process at a time)
  service = await startTestService(backend);
  topics = await testTopics(['segments', 'campaigns'], { compacted: ['segments', 'campaigns'] });
  // The catalog the advertiser criterion resolves through: Wanderly's first campaign is cmp-0001.
  const wanderly = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8')).find((c) => c.id === 'cmp-0001')!;
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.campaigns,
    messages: [{ key: wanderly.id, value: createCodec(RecordNames.Campaign).encode(wanderly) }],
  });
  await producer.disconnect();
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await backend.cleanup();
  await topics?.cleanup();
});

describe('adtrace segments build', () => {
  it('evaluates through the query API, publishes the members, and its spans land in the warehouse', async () => {
    const file = join(backend.config.kind === 'duckdb' ? join(backend.config.path, '..') : '.', 'defs.json');
    writeFileSync(
      file,
      JSON.stringify({
        segments: [
          {
            id: 'seg-clickers',
            name: 'Clickers',
            type: 'behavioural',
            criteria: [{ type: 'clicks', withinDays: 7, advertisers: ['adv-wanderly'] }],
          },
        ],
      }),
    );
    const run = await cli(
      'segments',
      'build',
      file,
      '--topic',
      topics.names.segments,
      '--campaigns-topic',
      topics.names.campaigns,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ builderVersion: 1, changedUsers: 1, published: true });
    expect(result.segments[0]).toMatchObject({ id: 'seg-clickers', size: 1, diff: { usersAdded: 1, changePct: 100 } });

    const codec = createCodec(RecordNames.UserSegments);
    const messages = await drainTopic(kafka, topics.names.segments);
    expect(messages.map((m) => [String(m.key), codec.decode(m.value!)])).toEqual([
      [
        'uk-clicker',
        expect.objectContaining<Partial<UserSegments>>({
          userKey: 'uk-clicker',
          segments: ['seg-clickers'],
          builderVersion: 1,
        }),
      ],
    ]);

    const spans = await eventually(
      async () => {
        const s = await service.warehouse.traceSpans(result.segments[0].traceId);
        return s.length >= 3 ? s : undefined;
      },
      30_000,
      'the build spans in the warehouse',
    );
    expect(spans.map((s) => [s.service, s.name]).sort()).toEqual([
      ['segment-builder', 'ads.segment.build'],
      ['segment-builder', 'ads.segment.diff'],
      ['segment-builder', 'ads.segment.evaluate_criteria'],
    ]);
    expect(spans.find((s) => s.name === 'ads.segment.build')?.attributes).toMatchObject({
      'segment.id': 'seg-clickers',
      'segment.size': 1,
      'segment.published': true,
    });
  }, 120_000);

  it('refuses a bad definition naming the field, before reading or publishing anything', async () => {
    const file = join(join(backend.config.kind === 'duckdb' ? backend.config.path : '.', '..'), 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        segments: [{ id: 'seg-x', name: 'X', type: 'behavioural', criteria: [{ type: 'clicks', withinDays: 'week' }] }],
      }),
    );
    const run = await cli('segments', 'build', file, '--topic', 'test.segments.never-created');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'segments[0].criteria[0].withinDays must be a whole number of days in [1, 366], got "week"',
    );
  }, 60_000);
});
