// The live view's figures (`adtrace start`) on the real broker and a real warehouse service:
// per-stage rates and dead letters are records, not offsets — the exactly-once pipeline writes a
// commit marker per partition per transaction, and an aborted transaction's records take offsets
// too — and the ROAS of the top campaigns moves from the first attributed events on, before
// aggregation has closed any window. Own topics and own warehouse; the view's groups are read,
// never joined.
import type { AttributedEventRow } from '@adtrace/warehouse';
import { type ConsumerConfig, type Kafka, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbBackend, startTestService } from '../../../services/warehouse/test/support.ts';
import { type TestTopics, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { countedTopics, type PipelineTopics, pipelineLines, type Reading } from '../src/pipeline/pipeline-view.ts';
import { type RecordCounter, startRecordCounter } from '../src/pipeline/record-counter.ts';

const kafka = testKafka('pipeline-view-test');
const labels = [
  'bidRequestsRaw',
  'bidRequests',
  'profiledRequests',
  'auctionOutcomes',
  'impressions',
  'userEventsRaw',
  'attributedEvents',
  'roas',
  'campaignSpend',
  'lateEvents',
  'campaigns',
  'segments',
  'alerts',
  'deadLetters',
  'deadLettersRaw',
] as const satisfies readonly (keyof PipelineTopics)[];

let topics: TestTopics<(typeof labels)[number]>;
let view: PipelineTopics;
const backend = duckdbBackend();
let service: Awaited<ReturnType<typeof startTestService>>;
const apiBefore = process.env.ADTRACE_WAREHOUSE_API;

beforeAll(async () => {
  topics = await testTopics(labels, { partitions: 3 });
  view = topics.names;
  service = await startTestService(backend);
  process.env.ADTRACE_WAREHOUSE_API = `http://127.0.0.1:${service.apiPort}`;
});

afterAll(async () => {
  if (apiBefore === undefined) delete process.env.ADTRACE_WAREHOUSE_API;
  else process.env.ADTRACE_WAREHOUSE_API = apiBefore;
  await service?.stop();
  await backend.cleanup();
  await topics?.cleanup();
});

/** `transactions` transactions, each one record to every partition of `topic`: as a hop's task writes. */
async function writeTransactions(topic: string, transactions: number, outcome: 'commit' | 'abort' = 'commit') {
  const producer = kafka.producer({
    transactionalId: uniqueGroupId('view-txn'),
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < transactions; i++) {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [0, 1, 2].map((partition) => ({ partition, value: `r${i}.${partition}` })) });
      await (outcome === 'commit' ? txn.commit() : txn.abort());
    }
  } finally {
    await producer.disconnect();
  }
}

async function endOffsets(names: readonly string[]): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const name of names) {
    const offsets = await topics.admin.fetchTopicOffsets(name);
    ends.set(
      name,
      offsets.reduce((n, p) => n + Number(p.high), 0),
    );
  }
  return ends;
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("adtrace start's live view", () => {
  let counter: RecordCounter | undefined;
  afterAll(async () => counter?.stop());

  it('rates and dead letters count records read committed, not offsets (no commit markers, no aborted records)', async () => {
    // A dead letter from before the view started counts: the count is of every dead letter held.
    await writeTransactions(view.deadLetters, 1);
    counter = await startRecordCounter(kafka, countedTopics(view));
    const all = [...countedTopics(view).fromNow, ...countedTopics(view).fromBeginning];
    await until(() => counter!.counts().get(view.deadLetters) === 3, 'the earlier dead letters');
    const t0 = Date.now();
    const first: Reading = { at: t0, records: new Map(counter.counts()), recordsAt: t0, ends: await endOffsets(all) };

    // Ingest's output: 10 transactions of 3 records (30 records, 60 offsets with the markers);
    // one aborted transaction of 3 more, which a reader never sees. Tracking's: 5 of 3.
    // Aggregation's windows and campaign spend: 2 of 3 each. More dead letters: 1 of 3.
    await writeTransactions(view.bidRequests, 10);
    await writeTransactions(view.bidRequests, 1, 'abort');
    await writeTransactions(view.attributedEvents, 5);
    await writeTransactions(view.roas, 2);
    await writeTransactions(view.campaignSpend, 2);
    await writeTransactions(view.deadLettersRaw, 1);
    const expected = new Map([
      [view.bidRequests, 30],
      [view.attributedEvents, 15],
      [view.roas, 6],
      [view.campaignSpend, 6],
      [view.deadLetters, 3],
      [view.deadLettersRaw, 3],
    ]);
    await until(
      () => [...expected].every(([t, n]) => counter!.counts().get(t) === n),
      `the counts ${JSON.stringify([...expected])}, have ${JSON.stringify([...counter.counts()])}`,
    );
    const ends = await endOffsets(all);
    expect(ends.get(view.bidRequests), 'offsets hold markers and the aborted records').toBe(66);
    // Ten seconds between the readings: records per second is records / 10.
    const now: Reading = { at: t0 + 10_000, records: new Map(counter.counts()), recordsAt: t0 + 10_000, ends };
    const lines = await pipelineLines(topics.admin, now, first, view);
    const stage = (name: string) => lines.find((l) => l.startsWith(`  ${name} `)) ?? '';
    // Soft: a failure shows every figure that is off, not only the first.
    expect.soft(stage('ingest')).toMatch(/ingest\s+3\.0\/s/);
    expect.soft(stage('tracking')).toMatch(/tracking\s+1\.5\/s/);
    expect.soft(stage('aggregation')).toMatch(/aggregation\s+1\.2\/s/);
    expect.soft(stage('profiling')).toMatch(/profiling\s+0\.0\/s/);
    expect.soft(lines[0]).toContain('| dead letters 6 |');
    expect.soft(lines[0]).toContain('no-fill – (no auctions yet)'); // the warehouse answered
  });

  it('the reader commits where it is once an interval, not after every batch (~35 commits a second in the demo before)', async () => {
    // The real client and broker; only a listener on the reader's consumer, to count its commits.
    let groupId = '';
    let commits = 0;
    const watched = {
      admin: () => kafka.admin(),
      consumer: (config: ConsumerConfig) => {
        groupId = config.groupId;
        const consumer = kafka.consumer(config);
        consumer.on(consumer.events.COMMIT_OFFSETS, () => void commits++);
        return consumer;
      },
    } as unknown as Kafka;
    const topic = view.campaigns; // read by no other test here
    const reader = await startRecordCounter(
      watched,
      { fromNow: [], fromBeginning: [topic] },
      { maxWaitTimeInMs: 100, minBytes: 1, commitIntervalMs: 1000 },
    );
    try {
      const started = Date.now();
      // 30 transactions a record to each of 3 partitions, ~100 ms apart: dozens of batches.
      for (let i = 0; i < 30; i++) {
        await writeTransactions(topic, 1);
        await new Promise((r) => setTimeout(r, 100));
      }
      await until(() => reader.counts().get(topic) === 90, `90 records, have ${reader.counts().get(topic)}`);
      await new Promise((r) => setTimeout(r, 1500)); // one more interval: where it ended is committed
      const seconds = (Date.now() - started) / 1000;
      expect(commits).toBeGreaterThan(0);
      expect(commits, `${commits} commits in ${seconds.toFixed(1)} s`).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      // Committed: past each partition's last record, i.e. at its last transaction's commit marker.
      const [committed] = await topics.admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = (ps: { partition: number; offset: string }[]) =>
        ps.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
      const ends = await topics.admin.fetchTopicOffsets(topic);
      expect(byPartition(committed!.partitions)).toEqual(
        byPartition(ends.map((p) => ({ ...p, offset: String(Number(p.high) - 1) }))),
      );
    } finally {
      await reader.stop();
    }
  });

  it('ROAS of the top campaigns moves before any window closes: provisional from attributed events, then closed windows', async () => {
    const at = Date.now();
    const event = (campaignId: string, kind: string, costMicros: number, valueMicros: number): AttributedEventRow => ({
      eventId: `${kind}-${Math.random().toString(36).slice(2)}`,
      kind,
      originalEventId: 'evt-1',
      campaignId,
      adId: 'ad-1',
      touch: kind === 'conversion' ? 'click' : 'none',
      costMicros,
      valueMicros,
      pctr: 0.01,
      eventTimeMs: at - 30_000,
      attributedAtMs: at - 29_000,
      traceId: null,
      impressionId: null,
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: 'USD',
      originalValueMicros: valueMicros,
      modelVersion: null,
    });
    // A campaign spends cents a minute in the demo (CPM prices): the figures must not round to $0.00.
    await service.warehouse.loadAttributedEvents([
      event('cmp-0164', 'impression', 1_250, 0),
      event('cmp-0164', 'impression', 1_250, 0),
      event('cmp-0164', 'conversion', 0, 5_000),
      event('cmp-0030', 'impression', 900, 0),
      event('cmp-0007', 'impression', 0, 0), // CPC, not clicked: no spend, so not a top campaign by spend
      // Older than the last 5 minutes: not in the provisional figures.
      { ...event('cmp-0999', 'impression', 90_000, 0), eventTimeMs: at - 6 * 60_000 },
    ]);
    const reading: Reading = { at, records: new Map(), recordsAt: at, ends: new Map() };
    const roas = (lines: string[]) => lines.filter((l) => l.includes('ROAS'));
    expect(roas(await pipelineLines(topics.admin, reading, undefined, view))).toEqual([
      '  ROAS last 5 min, provisional (attributed events, top 3 by spend): ' +
        'cmp-0164 ROAS 2.00 (spent $0.00250, revenue $0.00500), cmp-0030 ROAS 0.00 (spent $0.000900, revenue $0)',
      '  ROAS closed windows (adtrace.roas, top 3 by spend): no window with spend yet',
    ]);
    await service.warehouse.loadRoasWindows([
      {
        campaignId: 'cmp-0164',
        windowStartMs: at - 120_000,
        windowEndMs: at - 60_000,
        impressions: 40,
        clicks: 0,
        conversions: 1,
        spendMicros: 50_000,
        revenueMicros: 60_000,
        roas: 1.2,
        observedCtr: 0,
        predictedCtr: 0.01,
        revision: 0,
        complete: false,
        completeThroughMs: at - 60_000,
        emittedAtMs: at - 50_000,
        generation: 0,
        lateDropped: 0,
        clickThroughConversions: 1,
        viewThroughConversions: 0,
        clickThroughRevenueMicros: 60_000,
        viewThroughRevenueMicros: 0,
      },
    ]);
    expect(roas(await pipelineLines(topics.admin, reading, undefined, view))[1]).toBe(
      '  ROAS closed windows (adtrace.roas, top 3 by spend): cmp-0164 ROAS 1.20 (spent $0.0500, revenue $0.0600)',
    );
  });
});
