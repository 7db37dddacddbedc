// The segment builder's behavioural criteria, evaluated in SQL on real DuckDB and PostgreSQL:
// impressions (with their user key), clicks and conversions (attributed_events, reaching the
// user through their impression) → the right members.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AttributedEventRow,
  connectWarehouse,
  type QueryStats,
  type UserActivityCondition,
  type Warehouse,
  type WarehouseConfig,
} from '../src/index.ts';
import { dropPostgresSchema } from '../src/testing.ts';
import { hex } from './fixtures.ts';
import { impressionRows } from './impression-rows.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NOW = 1_790_000_000_000;
const DAY = 86_400_000;

interface Imp {
  readonly id: string;
  readonly user: string | null;
  readonly campaign: string;
  readonly daysAgo: number;
}

// u1: 3 recent of cmp-a; u2: 1 recent of cmp-a, 1 of cmp-b 40 days ago; u3: 5 recent of cmp-b;
// u4: 1 of cmp-a 10 days ago; an anonymous impression (no user key) counts for no one.
const impressions: Imp[] = [
  ...[0, 1, 2].map((i) => ({ id: `i-u1-${i}`, user: 'u1', campaign: 'cmp-a', daysAgo: 1 + i * 0.5 })),
  { id: 'i-u2-0', user: 'u2', campaign: 'cmp-a', daysAgo: 2 },
  { id: 'i-u2-1', user: 'u2', campaign: 'cmp-b', daysAgo: 40 },
  ...[0, 1, 2, 3, 4].map((i) => ({ id: `i-u3-${i}`, user: 'u3', campaign: 'cmp-b', daysAgo: 0.5 })),
  { id: 'i-u4-0', user: 'u4', campaign: 'cmp-a', daysAgo: 10 },
  { id: 'i-anon', user: null, campaign: 'cmp-a', daysAgo: 1 },
];

const event = (
  kind: string,
  impressionId: string,
  campaignId: string,
  daysAgo: number,
  valueMicros = 0,
): AttributedEventRow => ({
  eventId: `${kind}-${hex(6)}`,
  kind,
  originalEventId: `evt-${impressionId}`,
  campaignId,
  adId: `${campaignId}-ad`,
  touch: kind === 'conversion' ? 'click' : 'none',
  costMicros: 0,
  valueMicros,
  pctr: 0.01,
  eventTimeMs: NOW - daysAgo * DAY,
  attributedAtMs: NOW - daysAgo * DAY,
  traceId: null,
  impressionId,
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: valueMicros,
  modelVersion: null,
});

const events: AttributedEventRow[] = [
  event('impression', 'i-u1-0', 'cmp-a', 1), // tracking's impression rows are not clicks
  event('click', 'i-u1-0', 'cmp-a', 1),
  event('click', 'i-u4-0', 'cmp-a', 10),
  event('click', 'i-anon', 'cmp-a', 1),
  event('conversion', 'i-u2-0', 'cmp-a', 1, 60_000_000),
  event('conversion', 'i-u3-0', 'cmp-b', 0.2, 20_000_000),
  event('conversion', 'i-u3-1', 'cmp-b', 0.1, 50_000_000),
];

interface Backend {
  readonly config: WarehouseConfig;
  cleanup(): Promise<void>;
}

function duckdb(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-seg-'));
  return {
    config: { kind: 'duckdb', path: join(dir, 'warehouse.duckdb') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgres(): Backend {
  const schema = `test_seg_${hex(4)}`;
  return {
    config: { kind: 'postgres', url: PG_URL, schema, poolSize: 2 },
    cleanup: () => dropPostgresSchema(PG_URL, schema),
  };
}

const queries: QueryStats[] = [];

describe.each([
  { name: 'duckdb', make: duckdb },
  { name: 'postgres', make: postgres },
])('segment members on $name', ({ make }) => {
  const backend = make();
  let wh: Warehouse;
  const members = (...conditions: UserActivityCondition[]) => wh.segmentMembers({ conditions });
  const since = (days: number) => NOW - days * DAY;

  beforeAll(async () => {
    wh = await connectWarehouse(backend.config, { onQuery: (s) => queries.push(s) });
    await wh.migrate();
    await wh.loadAttributedEvents(events);
    await wh.loadImpressions(
      impressionRows(
        impressions.map((i) => ({
          impressionId: i.id,
          userKey: i.user,
          campaignId: i.campaign,
          eventTimeMs: NOW - i.daysAgo * DAY,
        })),
      ),
    );
  });
  afterAll(async () => {
    await wh?.close();
    await backend.cleanup();
  });

  it('impressions: recency and frequency, per campaign or any; a user with none has 0', async () => {
    const imp = (min: number | undefined, max: number | undefined, days: number, campaignIds?: string[]) =>
      members({
        events: 'impression',
        measure: 'count',
        sinceMs: since(days),
        ...(min !== undefined && { min }),
        ...(max !== undefined && { max }),
        ...(campaignIds && { campaignIds }),
      });
    expect(await imp(3, undefined, 7, ['cmp-a'])).toEqual(['u1']);
    expect(await imp(1, undefined, 7)).toEqual(['u1', 'u2', 'u3']);
    expect(await imp(1, 2, 7)).toEqual(['u2']);
    expect(await imp(0, 0, 7)).toEqual(['u4']);
    expect(await imp(1, undefined, 60, ['cmp-b'])).toEqual(['u2', 'u3']);
    // A scope that resolved to no campaign counts nothing: nobody has one, everybody has none.
    expect(await imp(1, undefined, 60, [])).toEqual([]);
    expect(await imp(0, 0, 60, [])).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('clicks and conversions reach their user through the impression; value sums in micros', async () => {
    const click = (days: number) => members({ events: 'click', measure: 'count', sinceMs: since(days), min: 1 });
    expect(await click(7)).toEqual(['u1']);
    expect(await click(30)).toEqual(['u1', 'u4']);
    const value = (min: number) => members({ events: 'conversion', measure: 'value_micros', sinceMs: since(30), min });
    expect(await value(50_000_000)).toEqual(['u2', 'u3']);
    expect(await value(65_000_000)).toEqual(['u3']);
    expect(await members({ events: 'conversion', measure: 'count', sinceMs: since(30), min: 2 })).toEqual(['u3']);
  });

  it('every condition must hold, and the query reports what it scanned', async () => {
    queries.length = 0;
    expect(
      await members(
        { events: 'impression', measure: 'count', sinceMs: since(7), min: 1, campaignIds: ['cmp-b'] },
        { events: 'conversion', measure: 'value_micros', sinceMs: since(7), min: 50_000_000 },
      ),
    ).toEqual(['u3']);
    expect(queries).toEqual([{ query: 'segment_members', rows: 1, bytesScanned: expect.any(Number) }]);
    expect(queries[0]!.bytesScanned).toBeGreaterThan(0);
  });

  it('refuses a query it cannot evaluate, naming the field', async () => {
    await expect(wh.segmentMembers({ conditions: [] })).rejects.toThrow('conditions must be a non-empty array');
    await expect(members({ events: 'click', measure: 'value_micros', sinceMs: since(1), min: 1 })).rejects.toThrow(
      'conditions[0].measure must be count, or value_micros for conversions',
    );
    await expect(members({ events: 'impression', measure: 'count', sinceMs: since(1) })).rejects.toThrow(
      'conditions[0] needs min or max',
    );
  });
});
