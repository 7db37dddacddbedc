// The segment build job end to end in-process: criteria evaluated by a real DuckDB warehouse,
// the previous memberships read whole from a compacted topic on the real broker, the changed
// users published back and read again; its spans and metric through the in-process test SDK.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CATALOG_URL, parseNdjson, parseSegmentDefinitions } from '@adtrace/ads';
import { type Campaign, createCodec, RecordNames, type UserSegments } from '@adtrace/schemas';
import { type AttributedEventRow, connectWarehouse, type Warehouse } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics } from '../../../test/support/kafka.ts';
import { registerTestTelemetry, type TestTelemetry } from '../../../test/support/telemetry.ts';
import { drainTopic } from '../../stream/test/support/kafka-io.ts';
import { impressionRows } from '../../warehouse/test/impression-rows.ts';
import { buildSegments } from '../src/segments/build-segments.ts';
import { publishSegments, readCurrentSegments } from '../src/segments/segments-io.ts';

const NOW = 1_790_000_000_000;
// The demo catalog: cmp-0001 is Wanderly Travel's (adv-wanderly), the advertiser seg-clickers names.
const catalog = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const DAY = 86_400_000;
const kafka = testKafka('segments-build-test');
const codec = createCodec(RecordNames.UserSegments);
const embedding = Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));

const record = (userKey: string, segments: string[], more: Partial<UserSegments> = {}): UserSegments => ({
  userKey,
  segments,
  interests: [],
  ageBracket: 'UNKNOWN',
  embedding: [],
  builderVersion: 1,
  updatedAtMs: NOW - DAY,
  ...more,
});

// Before the build: alice (a demo segment, interests, age, embedding set by others) and bob are
// clickers; carol is a young traveller by her record; dave has no record yet.
const before: UserSegments[] = [
  record('alice', ['seg-demo', 'seg-clickers'], {
    interests: ['IAB20'],
    ageBracket: 'AGE_25_34',
    embedding,
    builderVersion: 5,
  }),
  record('bob', ['seg-clickers'], { builderVersion: 5 }),
  record('carol', [], { interests: ['IAB20', 'IAB1'], ageBracket: 'AGE_25_34' }),
];

// In the warehouse: alice and dave clicked this week; bob's click is 20 days old.
const imps = [
  ['i-alice', 'alice', 1],
  ['i-bob', 'bob', 20],
  ['i-dave', 'dave', 2],
] as const;
const click = (impressionId: string, daysAgo: number): AttributedEventRow => ({
  eventId: `${impressionId}:click`,
  kind: 'click',
  originalEventId: `evt-${impressionId}`,
  campaignId: 'cmp-0001',
  adId: 'ad-0001-1',
  touch: 'none',
  costMicros: 0,
  valueMicros: 0,
  pctr: 0,
  eventTimeMs: NOW - daysAgo * DAY,
  attributedAtMs: NOW - daysAgo * DAY,
  traceId: null,
  impressionId,
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion: null,
});

const definitions = parseSegmentDefinitions({
  segments: [
    {
      id: 'seg-clickers',
      name: 'Clicked this week',
      type: 'behavioural',
      criteria: [{ type: 'clicks', withinDays: 7, advertisers: ['adv-wanderly'] }],
    },
    {
      id: 'seg-young-travel',
      name: 'Young travellers',
      type: 'attribute',
      criteria: [
        { type: 'age_bracket', in: ['AGE_18_24', 'AGE_25_34'] },
        { type: 'interests', any: ['IAB20'] },
      ],
    },
  ],
});

let topics: TestTopics<'segments'>;
let dir: string;
let wh: Warehouse;
let telemetry: TestTelemetry;

async function latest(topic: string): Promise<Map<string, UserSegments>> {
  const out = new Map<string, UserSegments>();
  for (const m of await drainTopic(kafka, topic)) out.set(String(m.key), codec.decode(m.value!));
  return out;
}

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['segments'], { compacted: ['segments'] });
  await publishSegments(kafka, topics.names.segments, before);
  dir = mkdtempSync(join(tmpdir(), 'adtrace-segbuild-'));
  const path = join(dir, 'warehouse.duckdb');
  wh = await connectWarehouse({ kind: 'duckdb', path });
  await wh.migrate();
  await wh.loadAttributedEvents(imps.map(([id, , days]) => click(id, days)));
  await wh.loadImpressions(
    impressionRows(
      imps.map(([impressionId, userKey, days]) => ({
        impressionId,
        userKey,
        campaignId: 'cmp-0001',
        eventTimeMs: NOW - days * DAY,
      })),
    ),
  );
}, 120_000);

afterAll(async () => {
  await wh?.close();
  await topics?.cleanup();
  await telemetry?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('adtrace segments build', () => {
  it('publishes the changed users with the new version, keeps what others set, diffs, and traces it', async () => {
    const topic = topics.names.segments;
    const current = await readCurrentSegments(testBrokers(), topic);
    expect([...current.keys()].sort()).toEqual(['alice', 'bob', 'carol']);
    const result = await buildSegments(definitions, {
      members: (q) => wh.segmentMembers(q),
      current,
      catalog,
      topic,
      nowMs: NOW,
      publish: (records) => publishSegments(kafka, topic, records),
    });
    expect(result).toMatchObject({ builderVersion: 6, changedUsers: 4, published: true });
    expect(result.segments.map((s) => [s.id, s.size, s.previousSize, s.diff.usersAdded, s.diff.usersRemoved])).toEqual([
      ['seg-clickers', 2, 2, 1, 1],
      ['seg-young-travel', 2, 0, 2, 0],
    ]);

    const after = await latest(topic);
    // alice: still a clicker, now a young traveller too; her demo segment and other fields kept.
    expect(after.get('alice')).toEqual({
      ...before[0],
      segments: ['seg-demo', 'seg-clickers', 'seg-young-travel'],
      builderVersion: 6,
      updatedAtMs: NOW,
    });
    expect(after.get('bob')).toMatchObject({ segments: [], builderVersion: 6 });
    expect(after.get('carol')).toMatchObject({ segments: ['seg-young-travel'], interests: ['IAB20', 'IAB1'] });
    expect(after.get('dave')).toEqual(record('dave', ['seg-clickers'], { builderVersion: 6, updatedAtMs: NOW }));

    const spans = telemetry.spans();
    const builds = spans.filter((s) => s.name === 'ads.segment.build');
    expect(builds.map((s) => s.attributes)).toEqual([
      expect.objectContaining({
        'segment.id': 'seg-clickers',
        'segment.name': 'Clicked this week',
        'segment.type': 'behavioural',
        'segment.size': 2,
        'segment.published': true,
      }),
      expect.objectContaining({ 'segment.id': 'seg-young-travel', 'segment.type': 'attribute', 'segment.size': 2 }),
    ]);
    const childrenOf = (build: (typeof builds)[number], name: string) =>
      spans.filter((s) => s.name === name && s.parentSpanId === build.spanId && s.traceId === build.traceId);
    expect(childrenOf(builds[0]!, 'ads.segment.evaluate_criteria')[0]?.attributes).toEqual({
      'criteria.count': 1,
      'criteria.types': ['clicks'],
      'segment.matched_users': 2,
    });
    expect(childrenOf(builds[1]!, 'ads.segment.evaluate_criteria')[0]?.attributes['criteria.types']).toEqual([
      'age_bracket',
      'interests',
    ]);
    const diff = childrenOf(builds[0]!, 'ads.segment.diff')[0]!;
    expect(diff.attributes).toMatchObject({ 'diff.users_added': 1, 'diff.users_removed': 1, 'diff.change_pct': 100 });
    expect(diff.events).toEqual([
      {
        name: 'large_segment_change',
        attributes: { 'segment.id': 'seg-clickers', 'diff.change_pct': 100, 'diff.threshold_pct': 20 },
      },
    ]);
    const publish = spans.filter((s) => s.name === 'ads.segment.publish');
    expect(publish).toHaveLength(1);
    expect(publish[0]!.attributes).toMatchObject({ 'messaging.destination.name': topic, 'publish.records': 4 });
    const points = await telemetry.points();
    expect(points.filter((p) => p.name === 'ads.segment.build_duration_seconds')[0]?.count).toBe(1);
  }, 120_000);

  it('built again on the published topic: nothing changes, no large change, a dry run publishes nothing', async () => {
    const topic = topics.names.segments;
    const spansBefore = telemetry.spans().length;
    const result = await buildSegments(definitions, {
      members: (q) => wh.segmentMembers(q),
      current: await readCurrentSegments(testBrokers(), topic),
      catalog,
      topic,
      nowMs: NOW,
    });
    expect(result).toMatchObject({ builderVersion: 7, changedUsers: 0, published: false });
    expect(result.segments.map((s) => s.diff)).toEqual([
      { usersAdded: 0, usersRemoved: 0, changePct: 0, large: false },
      { usersAdded: 0, usersRemoved: 0, changePct: 0, large: false },
    ]);
    const spans = telemetry.spans().slice(spansBefore);
    expect(spans.some((s) => s.name === 'ads.segment.publish')).toBe(false);
    expect(spans.filter((s) => s.name === 'ads.segment.build').map((s) => s.attributes['segment.published'])).toEqual([
      false,
      false,
    ]);
    expect(spans.flatMap((s) => s.events)).toEqual([]);
  }, 120_000);
});
