// The example consumer on the topic of a real run: the aggregation service (in-process, real
// broker) counts a seeded stream with known truth as generation 0, then a rebuild (generation
// 1, a fresh group from the beginning) counts it again; the warehouse service loads adtrace.roas.
// The example's table must equal the warehouse's roas_windows and the truth, and both must show
// generation 1 only once it has caught up.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changelogTopic, type Hop } from '../../../packages/stream/src/index.ts';
import { committedCount, drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { createAggregation, readEnv, toConfig } from '../../../services/aggregation/src/index.ts';
import { isSentinel, pick, produce, scenario } from '../../../services/aggregation/test/scenario.ts';
import type { WarehouseService } from '../../../services/warehouse/src/index.ts';
import { duckdbBackend, getJson, startTestService } from '../../../services/warehouse/test/support.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { type Following, followRoas, type RoasWindow } from '../src/index.ts';

const PARTITIONS = 2;
const { truth, stream, sentinels } = scenario(23, PARTITIONS);
const total = stream.length + sentinels.length;
const expected = truth.windows.map(pick);
type Labels = 'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'attributed' | 'dlq';

const kafka = testKafka();
const backend = duckdbBackend();
const groups = [uniqueGroupId('roas-example-g0'), uniqueGroupId('roas-example-g1')];
const hops: Hop[] = [];
const switches: number[] = [];
/** Warehouse states seen while generation 1 ran: [current, generation 1 caught up, of campaigns]. */
const seen: [number, number, number][] = [];
let topics: Awaited<ReturnType<typeof testTopics<Labels>>>;
let warehouse: WarehouseService;
let following: Following;

// biome-ignore lint/suspicious/noExplicitAny: API JSON
const api = async (path: string): Promise<any> => (await getJson(warehouse.apiPort, path)).body;
/** The API's rows are RoasWindow's fields, `final` named `complete`. */
type Row = RoasWindow & { complete: boolean };
const shown = async (): Promise<Row[]> => (await api('/api/roas?limit=10000')).windows;
const real = <T extends RoasWindow>(rows: readonly T[]) =>
  rows
    .filter((r) => !isSentinel(r.campaignId))
    .sort((a, b) => a.windowStartMs - b.windowStartMs || (a.campaignId < b.campaignId ? -1 : 1));

function aggregation(generation: number): Hop {
  const env = readEnv({
    KAFKA_BROKERS: testBrokers().join(','),
    AGGREGATION_IDLE_MS: '3600000', // the simulated clock is days behind the wall clock
    AGGREGATION_BATCH_SIZE: '200',
    AGGREGATION_GENERATION: String(generation),
    // Its own dead letters: adtrace.dead-letters exists only if an earlier test made it.
    AGGREGATION_DEAD_LETTER_TOPIC: topics.names.dlq,
  });
  const hop = createAggregation(toConfig(env), { name: groups[generation]!, topics: topics.names });
  hops.push(hop);
  return hop;
}

beforeAll(async () => {
  topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'attributed', 'dlq'], {
    partitions: PARTITIONS,
    compacted: ['spend', 'campaigns'],
  });
  warehouse = await startTestService(backend, {
    loader: {
      enabled: true,
      brokers: testBrokers(),
      groupId: uniqueGroupId('roas-example-warehouse'),
      topics: { attributedEvents: topics.names.attributed, roas: topics.names.roas, deadLetters: topics.names.dlq },
    },
  });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await produce(producer, topics.names.events, stream);
  await produce(producer, topics.names.events, sentinels, true);
  await producer.disconnect();

  // Generation 0, the live one, counts everything; the warehouse shows it.
  await aggregation(0).start();
  await waitFor(
    'generation 0 in the warehouse',
    async () => (JSON.stringify(real(await shown()).map(pick)) === JSON.stringify(expected) ? true : undefined),
    240_000,
  );
  // The rebuild: generation 1 from the beginning, while the warehouse is watched.
  await aggregation(1).start();
  await waitFor(
    'generation 1 current in the warehouse',
    async () => {
      const gens: { generation: number; current: boolean; caughtUpCampaigns: number; currentCampaigns: number }[] = (
        await api('/api/roas-generations')
      ).generations;
      const current = gens.find((g) => g.current)!.generation;
      const rebuild = gens.find((g) => g.generation === 1);
      if (rebuild) seen.push([current, rebuild.caughtUpCampaigns, rebuild.currentCampaigns]);
      return current === 1 ? true : undefined;
    },
    240_000,
  );
  await waitFor(
    'generation 1 committed everything',
    async () => ((await committedCount(kafka, groups[1]!, topics.names.events)) >= total ? true : undefined),
    240_000,
  );
  for (const hop of hops) await hop.stop();

  // The example consumer reads the whole topic (both generations) from the beginning.
  const records = (await drainTopic(kafka, topics.names.roas)).length;
  following = await followRoas({
    brokers: testBrokers(),
    topic: topics.names.roas,
    schemasDir: join(import.meta.dirname, '../../../schemas'),
    onSwitch: (generation) => switches.push(generation),
  });
  await waitFor(
    'the example consumer read the topic',
    () => (following.applied() >= records ? true : undefined),
    60_000,
  );
}, 600_000);

afterAll(async () => {
  await following?.stop();
  for (const hop of hops) await hop.stop();
  await warehouse?.stop();
  const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
  await topics?.admin
    .deleteTopics({ topics: groups.flatMap((g) => stores.map((s) => changelogTopic(g, s))) })
    .catch(() => {});
  await topics?.cleanup();
  await backend.cleanup();
});

describe('the example ROAS consumer on a real run with a rebuild', () => {
  it('after the rebuild the warehouse shows generation 1, equal to the truth; generation 0 is kept', async () => {
    const rows = real(await shown());
    expect(rows.map(pick)).toEqual(expected);
    expect(rows.every((r) => r.generation === 1 && r.complete)).toBe(true);
    const kept = real((await api('/api/roas?limit=10000&generation=0')).windows);
    expect(kept.map(pick)).toEqual(expected);
  });

  it('the warehouse switched only once generation 1 had caught up with every campaign', () => {
    for (const [current, caughtUp, of] of seen) if (current === 0) expect(caughtUp).toBeLessThan(of);
  });

  it('the example consumer keeps the same table as the warehouse, and switched once, to generation 1', async () => {
    expect(switches).toEqual([1]);
    expect(following.table.current).toBe(1);
    const mine = real(following.table.rows());
    const warehouseRows = real(await shown());
    const fields = (r: RoasWindow) => [...pick(r), r.generation, r.revision, r.final, r.completeThroughMs];
    expect(mine.map(fields)).toEqual(warehouseRows.map((r) => fields({ ...r, final: r.complete })));
    expect(mine.map(pick)).toEqual(expected);
  });
});
