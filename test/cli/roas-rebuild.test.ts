// `adtrace roas rebuild` as users run it: aggregation (generation 0) runs under `adtrace up` on a
// seeded stream with known truth; the warehouse service loads the ROAS topic; the rebuild starts
// generation 1 as a second process (aggregation-g1), reports its progress until the warehouse has
// switched to it, then retires generation 0: aggregation runs generation 1 from then on. The
// windows the warehouse shows after it are still exactly the truth.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoasWindow } from '@adtrace/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { changelogTopic } from '../../packages/stream/src/index.ts';
import { waitFor } from '../../packages/stream/test/support/kafka-io.ts';
import { isSentinel, pick, produce, scenario } from '../../services/aggregation/test/scenario.ts';
import type { WarehouseService } from '../../services/warehouse/src/index.ts';
import { duckdbBackend, getJson, startTestService } from '../../services/warehouse/test/support.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { freePort, heldPorts, runCli, type Sandbox, sandbox } from './isolated-cli.ts';

type Labels = 'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'attributed' | 'dlq';
/** A row of the API: the record's fields, its `final` named `complete`. */
type Row = RoasWindow & { complete: boolean };

const { truth, stream, sentinels } = scenario(31, 2);
const expected = truth.windows.map(pick);
const backend = duckdbBackend();
let box: Sandbox | undefined;
let topics: Awaited<ReturnType<typeof testTopics<Labels>>> | undefined;
let warehouse: WarehouseService | undefined;

afterEach(async () => {
  await box?.dispose();
  await warehouse?.stop();
  const base = box?.env.AGGREGATION_GROUP;
  const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
  if (base)
    await topics?.admin
      .deleteTopics({ topics: [base, `${base}-g1`].flatMap((g) => stores.map((s) => changelogTopic(g, s))) })
      .catch(() => {});
  await topics?.cleanup();
  await backend.cleanup();
});

const real = (rows: Row[]) =>
  rows
    .filter((r) => !isSentinel(r.campaignId))
    .sort((a, b) => a.windowStartMs - b.windowStartMs || (a.campaignId < b.campaignId ? -1 : 1));

describe('adtrace roas rebuild', () => {
  it('starts generation 1 beside the live one, waits until the warehouse switched, retires generation 0; still exact', async () => {
    box = await sandbox(testBrokers());
    topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'attributed', 'dlq'], {
      partitions: 2,
      compacted: ['spend', 'campaigns'],
    });
    warehouse = await startTestService(backend, {
      apiPort: Number(box.env.WAREHOUSE_API_PORT),
      otlpPort: Number(box.env.WAREHOUSE_OTLP_PORT),
      loader: {
        enabled: true,
        brokers: testBrokers(),
        groupId: uniqueGroupId('rebuild-cli-warehouse'),
        topics: { attributedEvents: topics.names.attributed, roas: topics.names.roas, deadLetters: topics.names.dlq },
      },
    });
    const health = await freePort();
    Object.assign(box.env, {
      AGGREGATION_HEALTH_PORT: String(health),
      AGGREGATION_IDLE_MS: '3600000', // the simulated clock is days behind the wall clock
      AGGREGATION_BATCH_SIZE: '200',
      AGGREGATION_EVENTS_TOPIC: topics.names.events,
      AGGREGATION_ROAS_TOPIC: topics.names.roas,
      AGGREGATION_SPEND_TOPIC: topics.names.spend,
      AGGREGATION_ALERTS_TOPIC: topics.names.alerts,
      AGGREGATION_LATE_TOPIC: topics.names.late,
      AGGREGATION_CAMPAIGNS_TOPIC: topics.names.campaigns,
    });
    box.ports.push(health);
    const producer = testKafka().producer({ idempotent: true });
    await producer.connect();
    await produce(producer, topics.names.events, stream);
    await produce(producer, topics.names.events, sentinels, true);
    await producer.disconnect();

    const up = runCli(box, ['up', 'aggregation']);
    expect(await up.exited, up.output()).toBe(0);
    const shown = async (): Promise<Row[]> => (await getJson(warehouse!.apiPort, '/api/roas?limit=10000')).body.windows;
    await waitFor(
      'generation 0 in the warehouse',
      async () => (JSON.stringify(real(await shown()).map(pick)) === JSON.stringify(expected) ? true : undefined),
      240_000,
    );

    const rebuild = runCli(box, ['roas', 'rebuild', '--interval', '1', '--timeout', '300']);
    expect(await rebuild.exited, rebuild.output()).toBe(0);
    const out = rebuild.output();
    expect(out).toMatch(/aggregation-g1\s+started, ready/);
    expect(out).toContain('generation 1 is current in the warehouse (caught up with generation 0)');
    expect(out).toMatch(/generation 0 retired \(its aggregation process stopped\); aggregation runs generation 1/);
    expect(out).toMatch(/aggregation\s+started, ready/);

    const roas = runCli(box, ['roas', '--json', '--limit', '10000']);
    expect(await roas.exited, roas.output()).toBe(0);
    const rows = real(JSON.parse(roas.output()).windows);
    expect(rows.map(pick)).toEqual(expected);
    expect(rows.every((r) => r.generation === 1 && r.complete)).toBe(true);

    // aggregation now runs generation 1 under its own name; the instance is gone.
    const status = runCli(box, ['status']);
    expect(await status.exited).toBe(0);
    expect(status.output()).toMatch(/aggregation\s+running/);
    expect(status.output()).not.toContain('aggregation-g1');
    const overrides = JSON.parse(readFileSync(join(box.home, 'run', 'aggregation.env.json'), 'utf8'));
    expect(overrides).toEqual({ AGGREGATION_GENERATION: '1', AGGREGATION_GROUP: `${box.env.AGGREGATION_GROUP}-g1` });

    const down = runCli(box, ['down']);
    expect(await down.exited, down.output()).toBe(0);
    expect(box.leftovers()).toEqual([]);
    await warehouse.stop();
    expect(await heldPorts(box)).toEqual([]);
  }, 600_000);
});
