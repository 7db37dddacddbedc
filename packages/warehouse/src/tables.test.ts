import { describe, expect, it } from 'vitest';
import {
  alertsLoad,
  auctionOutcomesLoad,
  campaignsLoad,
  impressionsLoad,
  lateEventsLoad,
} from './attribution-tables.ts';
import { duckdbDialect } from './dialect.ts';
import type { SpanRow } from './rows.ts';
import { bytesWritten, spansLoad } from './tables.ts';
import { attributedEventsLoad, deadLettersLoad, roasWindowsLoad } from './topic-tables.ts';

const row = (parentSpanId: string | null): SpanRow => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  parentSpanId,
  service: 'auction', // 2 + 7
  name: 'ads.auction', // 2 + 11
  kind: 'internal', // 2 + 8
  startUnixMicros: 1_763_769_600_123_456,
  durationMs: 1.25,
  statusCode: 'unset', // 2 + 5
  statusMessage: null,
  eventId: 'evt-1', // 2 + 5
  computeUsd: 1e-9,
  kafkaUsd: 2e-9,
  queryUsd: 0,
  costUsd: 3e-9,
  attributesJson: '{"a":1}', // 2 + 7
});

describe('bytesWritten', () => {
  it('counts a span row as the table stores it: ids as 16- and 8-byte values, not their hex text', () => {
    // Ids: trace 16 + span 8 (+ parent 8); text: 9 + 13 + 10 + 7 + 7 + 9 = 55; numbers: start,
    // duration, four costs and storage_usd = 7 × 8 = 56. (As hex text the ids were 34 + 18 + 18.)
    expect(bytesWritten(spansLoad, [row(null)])).toBe(16 + 8 + 55 + 56);
    expect(bytesWritten(spansLoad, [row('00f067aa0ba902b7')])).toBe(16 + 8 + 8 + 55 + 56);
  });
});

describe('newRowsSql', () => {
  it('is the insert without its conflict rule, for every table whose rule is DO NOTHING, and only those', () => {
    const loads = [
      ...[spansLoad, attributedEventsLoad, deadLettersLoad, roasWindowsLoad],
      ...[impressionsLoad, auctionOutcomesLoad, alertsLoad, lateEventsLoad, campaignsLoad],
    ];
    for (const load of loads) {
      const sql = load.insertSql(duckdbDialect);
      if (sql.endsWith('ON CONFLICT DO NOTHING')) {
        expect(load.newRowsSql?.(duckdbDialect), load.table).toBe(sql.replace(/\nON CONFLICT DO NOTHING$/, ''));
        expect(load.newRowsSql?.(duckdbDialect), load.table).not.toContain('ON CONFLICT');
      } else {
        // A row replaced by a newer version (ROAS revisions, campaigns) is not a failed insert.
        expect(load.newRowsSql, load.table).toBeUndefined();
      }
    }
    expect(loads.filter((l) => l.newRowsSql).map((l) => l.table)).toHaveLength(7);
  });
});
