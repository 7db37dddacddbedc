// Issue 13's exactness under failure: tracking (both stages, one process) and aggregation run as
// their real src/main.ts in child processes on topics of this test; a seeded stream with known
// ground truth goes in — impressions with signed tokens on the impressions topic, the trackers'
// raw clicks and conversions (late, duplicated, forged, expired, out-of-window, organic) on
// user-events.raw. Both processes are SIGKILLed together twice mid-stream, each time with work in
// flight in both (once with tracking's stage two part-way through a phase's impressions, once
// with stage one given a phase's clicks and conversions; aggregation part-way through a backlog
// both times), and started again on their groups. The final ROAS windows (latest revision per window) must equal the truth
// exactly: impressions, clicks, conversions (click- and view-through), spend, revenue and
// late-dropped. Then a rebuild — generation 1 from the beginning of attributed-events, the
// process and environment `adtrace roas rebuild` starts — must be exact once it has caught up.
//
// Phases (test/e2e/support/tracked-stream.ts): each phase's impressions are sent and consumed by
// tracking before its clicks and conversions, so the test does not depend on the order in which
// tracking's stage two takes its two inputs (the known gap fixed separately).
import { randomBytes } from 'node:crypto';
import { applyRoasRecord, currentRows, EMPTY_ROAS_TABLE, type RoasTable } from '@adtrace/ads';
import { createCodec, type Impression, RecordNames, type RoasWindow } from '@adtrace/schemas';
import { DeadLetterHeaders, Headers } from '@adtrace/stream';
import { type Admin, Partitioners, type PartitionMetadata, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainTopic, header } from '../../packages/stream/test/support/kafka-io.ts';
import { isSentinel, pick } from '../../services/aggregation/test/scenario.ts';
import * as tracking from '../../services/tracking/src/index.ts';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { type ConsumerLag, watchConsumerLag } from './support/consumer-lag.ts';
import { type KillableService, killLeftovers, startKillable } from './support/killable-service.ts';
import { freePort } from './support/processes.ts';
import { serviceEnv, trackedStream } from './support/tracked-stream.ts';

const PARTITIONS = 2;
const KEYS = `e2e=${randomBytes(32).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const stream = trackedStream({
  seed: 5,
  startMs: Date.UTC(2026, 10, 25, 0, 0, 0),
  durationMs: 5 * 60_000,
  keyring: tracking.toConfig(tracking.readEnv({ TRACKING_TOKEN_KEYS: KEYS, TRACKING_USER_KEY_SECRET: SECRET })).keyring,
  userKeySecret: SECRET,
  rawPartitions: PARTITIONS,
});
/** The phases after whose impressions (first) and raw user events (second) both processes are killed. */
const KILLS = [
  { phase: Math.floor(stream.phases.length / 3), after: 'impressions' },
  {
    phase: stream.phases.findIndex((p, n) => n >= (2 * stream.phases.length) / 3 && p.userEvents.length > 0),
    after: 'user events',
  },
] as const;

/** How many phases aggregation is frozen for before a kill (a backlog it is working off when killed). */
const FROZEN_PHASES = 2;

type Label =
  | 'raw'
  | 'rekeyed'
  | 'impressions'
  | 'attributed'
  | 'roas'
  | 'spend'
  | 'alerts'
  | 'late'
  | 'campaigns'
  | 'dlqRaw'
  | 'dlq';
const roasCodec = createCodec(RecordNames.RoasWindow);
const impressionCodec = createCodec(RecordNames.Impression);
const kafka = testKafka('e2e-roas-restart');
const trackingGroup = uniqueGroupId('tracking-restart');
const rekeyGroup = `${trackingGroup}-rekey`;
const aggregationGroup = uniqueGroupId('aggregation-restart');
/** What `adtrace roas rebuild` gives generation 1 when the base group is set (packages/cli/src/roas-rebuild.ts). */
const rebuildGroup = `${aggregationGroup}-g1`;

let topics: TestTopics<Label>;
let admin: Admin;
let lagWatch: ConsumerLag;
let producer: Producer;
let trackingProcess: KillableService | undefined;
let aggregationProcess: KillableService | undefined;
/** Per kill: how far behind each consumer was at that moment (records, or offsets on transactional inputs). */
const atKills: Array<{ phase: number; after: string; lags: Record<string, number> }> = [];
let generation0: RoasWindow[];
let rebuilt: RoasTable;
let deadLetterCodes: string[];
let trackingDeadLetters: number;

/** How far `group` is behind on `topic`, once the watcher has read it to the end. */
async function lag(group: string, topic: string): Promise<number> {
  for (;;) {
    const behind = await lagWatch.behind(group, topic);
    if (behind !== undefined) return behind;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function caughtUp(what: string, group: string, topic: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const behind = await lagWatch.behind(group, topic);
    if (behind === 0) return;
    for (const p of [trackingProcess, aggregationProcess]) {
      const failure = p?.failure();
      if (failure) throw new Error(failure);
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: ${behind ?? 'unknown'} behind after 180 s\ntracking: ${trackingProcess?.tail()}\naggregation: ${aggregationProcess?.tail()}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startTracking(): Promise<KillableService> {
  const [ready, rekeyReady] = [await freePort(), await freePort()];
  const t = topics.names;
  const { rates } = stream.model;
  return startKillable(
    'tracking',
    {
      ...serviceEnv,
      KAFKA_BROKERS: testBrokers().join(','),
      TRACKING_TOKEN_KEYS: KEYS,
      TRACKING_USER_KEY_SECRET: SECRET,
      TRACKING_USD_RATES: Object.entries(rates)
        .filter(([c]) => c !== 'USD')
        .map(([c, r]) => `${c}=${r}`)
        .join(','),
      TRACKING_GROUP: trackingGroup,
      TRACKING_RAW_TOPIC: t.raw,
      TRACKING_REKEYED_TOPIC: t.rekeyed,
      TRACKING_IMPRESSIONS_TOPIC: t.impressions,
      TRACKING_ATTRIBUTED_TOPIC: t.attributed,
      TRACKING_DEAD_LETTER_TOPIC: t.dlq,
      TRACKING_REKEY_DEAD_LETTER_TOPIC: t.dlqRaw,
      TRACKING_HEALTH_PORT: String(ready),
      TRACKING_REKEY_HEALTH_PORT: String(rekeyReady),
      ...streamKnobs('TRACKING'),
      ...streamKnobs('TRACKING_REKEY'),
      // Stage two in chunks of 5: a phase's impressions take several transactions, and the first
      // kill lands between them.
      TRACKING_BATCH_SIZE: '5',
      // The re-key skew's wait (load-roas tests it) would hold each phase's conversions until a
      // later phase moves stream time 5 s past them; this test is about kills, not stage one's lag.
      TRACKING_REKEY_SKEW_MS: '0',
    },
    [ready, rekeyReady],
  );
}

async function startAggregation(generation: 0 | 1): Promise<KillableService> {
  const ready = await freePort();
  const t = topics.names;
  return startKillable(
    'aggregation',
    {
      ...serviceEnv,
      KAFKA_BROKERS: testBrokers().join(','),
      AGGREGATION_GENERATION: String(generation),
      AGGREGATION_GROUP: generation === 0 ? aggregationGroup : rebuildGroup,
      AGGREGATION_EVENTS_TOPIC: t.attributed,
      AGGREGATION_ROAS_TOPIC: t.roas,
      AGGREGATION_SPEND_TOPIC: t.spend,
      AGGREGATION_ALERTS_TOPIC: t.alerts,
      AGGREGATION_LATE_TOPIC: t.late,
      AGGREGATION_CAMPAIGNS_TOPIC: t.campaigns,
      AGGREGATION_DEAD_LETTER_TOPIC: t.dlq,
      AGGREGATION_HEALTH_PORT: String(ready),
      ...streamKnobs('AGGREGATION'),
    },
    [ready],
  );
}

/** The runtime's knobs for a killable run: small chunks, a short session, no idle clock. */
function streamKnobs(prefix: string): Record<string, string> {
  return {
    // Many transactions, so a kill lands between (or inside) some of them.
    [`${prefix}_BATCH_SIZE`]: '25',
    // The killed member holds its partitions until its session expires: the restart waits that long.
    [`${prefix}_SESSION_TIMEOUT_MS`]: '10000',
    // Event times are a fixed day in the past: the idle policy would advance stream time by the
    // wall clock while a process waits (or restarts), and turn on-time events late.
    [`${prefix}_IDLE_MS`]: '3600000',
  };
}

async function sendImpressions(impressions: readonly Impression[]): Promise<void> {
  if (impressions.length === 0) return;
  await producer.send({
    topic: topics.names.impressions,
    // Keyed by user key, as delivery writes them: co-partitioned with the re-keyed user events.
    messages: impressions.map((i) => ({
      key: i.userKey,
      value: impressionCodec.encode(i),
      timestamp: String(i.eventTimeMs),
      headers: {
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
        [Headers.eventId]: i.eventId,
      },
    })),
  });
}

/**
 * Aggregation is frozen (SIGSTOP) for the phases before a kill, so it has a backlog: at the kill
 * phase it is resumed, and once it has committed part of the backlog (mid catch-up, transactions
 * in flight) the phase's records are sent and both processes are SIGKILLed at once: after the
 * impressions once tracking's stage two has committed some of them, after the clicks and
 * conversions at once (stage one has them to do). Then both start again on their groups.
 */
async function resumeAggregation(): Promise<void> {
  const t = topics.names;
  const backlog = await lag(aggregationGroup, t.attributed);
  aggregationProcess!.signal('SIGCONT');
  const deadline = Date.now() + 60_000;
  while ((await lag(aggregationGroup, t.attributed)) >= backlog && backlog > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
}

/**
 * Until `group` has committed some of the `sent` records just written to `topic`, not all
 * (bounded). Read straight from the offsets, without the watcher's delay: the test's own
 * producer writes no transactions, so a partition's end is its last record's.
 */
async function partlyDone(group: string, topic: string, sent: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: group, topics: [topic] }),
    ]);
    const behind = ends.reduce((n, { partition, high }) => {
      const done = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      return n + Number(high) - Math.max(0, done);
    }, 0);
    if (behind < sent || Date.now() > deadline) return;
  }
}

async function killBoth(phase: number, after: string): Promise<void> {
  // Frozen first, so the lags read are those the kill leaves: on a loaded machine the admin calls
  // that measure them took long enough for both to drain what the kill was meant to interrupt.
  for (const p of [trackingProcess!, aggregationProcess!]) p.signal('SIGSTOP');
  const t = topics.names;
  atKills.push({
    phase,
    after,
    lags: {
      rekey: await lag(rekeyGroup, t.raw),
      attributeImpressions: await lag(trackingGroup, t.impressions),
      attributeUserEvents: await lag(trackingGroup, t.rekeyed),
      aggregation: await lag(aggregationGroup, t.attributed),
    },
  });
  await Promise.all([trackingProcess!.stop('SIGKILL'), aggregationProcess!.stop('SIGKILL')]);
  [trackingProcess, aggregationProcess] = await Promise.all([startTracking(), startAggregation(0)]);
}

/** Campaign ids the producers' partitioner (murmur2, as the Java client) puts on each partition. */
function campaignPerPartition(): string[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, p) => ({ partitionId: p, leader: 0 }));
  const found: string[] = [];
  for (let n = 0; found.filter(Boolean).length < PARTITIONS; n++) {
    const id = `sentinel-${n}`;
    const p = partitioner({
      topic: topics.names.attributed,
      partitionMetadata: partitionMetadata as PartitionMetadata[],
      message: { key: id, value: null },
    });
    found[p] ??= id;
  }
  return found;
}

const table = (records: RoasWindow[]) => records.reduce(applyRoasRecord, EMPTY_ROAS_TABLE);
const readRoas = async () => (await drainTopic(kafka, topics.names.roas)).map((m) => roasCodec.decode(m.value!));

beforeAll(async () => {
  topics = await testTopics(
    ['raw', 'rekeyed', 'impressions', 'attributed', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'dlqRaw', 'dlq'],
    { partitions: PARTITIONS, compacted: ['spend', 'campaigns'] },
  );
  admin = kafka.admin();
  await admin.connect();
  const t = topics.names;
  lagWatch = await watchConsumerLag(kafka, admin, [t.raw, t.impressions, t.rekeyed, t.attributed]);
  producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  [trackingProcess, aggregationProcess] = await Promise.all([startTracking(), startAggregation(0)]);

  for (const [n, phase] of stream.phases.entries()) {
    const kill = KILLS.find((k) => k.phase === n);
    if (KILLS.some((k) => k.phase === n + FROZEN_PHASES)) aggregationProcess!.signal('SIGSTOP');
    if (kill?.after === 'impressions') await resumeAggregation();
    await sendImpressions(phase.impressions);
    if (kill?.after === 'impressions') {
      await partlyDone(trackingGroup, t.impressions, phase.impressions.length);
      await killBoth(n, kill.after);
    }
    await caughtUp(`phase ${n}: impressions attributed`, trackingGroup, t.impressions);
    if (phase.userEvents.length === 0) continue;
    if (kill?.after === 'user events') await resumeAggregation();
    await producer.send({
      topic: t.raw,
      // Unkeyed, as trackers write them; one partition per user keeps a user's events in order.
      messages: phase.userEvents.map((e) => ({
        value: e.value,
        partition: e.partition,
        timestamp: String(e.timestampMs),
      })),
    });
    if (kill?.after === 'user events') await killBoth(n, kill.after);
    await caughtUp(`phase ${n}: user events re-keyed`, rekeyGroup, t.raw);
    await caughtUp(`phase ${n}: user events attributed`, trackingGroup, t.rekeyed);
  }
  await sendImpressions(stream.sentinels(campaignPerPartition()));
  await caughtUp('the sentinels attributed', trackingGroup, t.impressions);
  await caughtUp('generation 0 counted everything', aggregationGroup, t.attributed);
  await Promise.all([trackingProcess.stop('SIGTERM'), aggregationProcess.stop('SIGTERM')]);
  generation0 = await readRoas();
  deadLetterCodes = (await drainTopic(kafka, t.dlqRaw)).map((m) => header(m.headers, DeadLetterHeaders.code) ?? '');
  trackingDeadLetters = (await drainTopic(kafka, t.dlq)).length;

  // The rebuild: generation 1 from the beginning of attributed-events, into empty state.
  aggregationProcess = await startAggregation(1);
  await caughtUp('generation 1 counted everything', rebuildGroup, t.attributed);
  await aggregationProcess.stop('SIGTERM');
  rebuilt = table(await readRoas());
}, 1_500_000);

afterAll(async () => {
  killLeftovers();
  await lagWatch?.stop();
  await producer?.disconnect();
  await admin?.disconnect();
  if (topics) {
    const internal = (await topics.admin.listTopics().catch(() => [] as string[])).filter((name) =>
      [trackingGroup, rekeyGroup, aggregationGroup, rebuildGroup].some((g) => name.startsWith(`${g}.`)),
    );
    await topics.admin.deleteTopics({ topics: internal }).catch(() => {});
    await topics.cleanup();
  }
}, 60_000);

const real = (rows: RoasWindow[]) => rows.filter((r) => !isSentinel(r.campaignId));

describe('tracking and aggregation SIGKILLed together mid-stream, then a rebuild', () => {
  it('the stream has every case, and both kills left work behind', () => {
    const sum = (k: 'clicks' | 'clickThroughConversions' | 'viewThroughConversions' | 'lateDropped') =>
      stream.truth.windows.reduce((n, w) => n + w[k], 0);
    expect(sum('clicks')).toBeGreaterThan(20);
    expect(sum('clickThroughConversions')).toBeGreaterThan(0);
    expect(sum('viewThroughConversions')).toBeGreaterThan(0);
    expect(sum('lateDropped')).toBeGreaterThan(0);
    const { counts } = stream.truth;
    for (const c of ['forged', 'expired', 'duplicates', 'lateWithinGrace', 'unattributed'] as const)
      expect(counts[c], c).toBeGreaterThan(0);
    expect(atKills.map((k) => k.phase)).toEqual(KILLS.map((k) => k.phase));
    for (const { lags, ...k } of atKills) {
      expect(lags.rekey + lags.attributeImpressions + lags.attributeUserEvents, JSON.stringify(k)).toBeGreaterThan(0);
      expect(lags.aggregation, JSON.stringify(k)).toBeGreaterThan(0);
    }
    console.info('behind at the kills:', JSON.stringify(atKills));
  });

  it('forged and expired clicks are dead letters once each, nothing else is', () => {
    expect(deadLetterCodes.filter((c) => c === 'FORGED_TOKEN').length).toBe(stream.truth.counts.forged);
    expect(deadLetterCodes.filter((c) => c === 'EXPIRED_TOKEN').length).toBe(stream.truth.counts.expired);
    expect(deadLetterCodes.length).toBe(stream.truth.counts.forged + stream.truth.counts.expired);
    expect(trackingDeadLetters).toBe(0);
  });

  it('generation 0 ends with the truth per campaign and window, every window final, revisions without gaps', () => {
    const rows = real(currentRows(table(generation0)));
    expect(rows.map(pick)).toEqual(stream.truth.windows.map(pick));
    expect(rows.every((r) => r.final && r.generation === 0)).toBe(true);
    const revisions = new Map<string, number[]>();
    for (const r of generation0) {
      const key = `${r.campaignId}|${r.windowStartMs}`;
      revisions.set(key, [...(revisions.get(key) ?? []), r.revision]);
    }
    for (const list of revisions.values()) expect(list).toEqual(list.map((_, i) => i));
  });

  it('after the rebuild, generation 1 is current once caught up and equals the truth too', () => {
    expect(rebuilt.current).toBe(1);
    const rows = real(currentRows(rebuilt));
    expect(rows.map(pick)).toEqual(stream.truth.windows.map(pick));
    expect(rows.every((r) => r.final && r.generation === 1)).toBe(true);
  });
});
