import { DeadLetterHeaders, type RecordMeta, RejectedError, TransientError } from '@adtrace/stream';
import { describe, expect, test } from 'vitest';
import { deadLetterRow } from './dead-letter-row.ts';
import { asSinkError } from './load-errors.ts';

const record = (headers: RecordMeta['headers']): RecordMeta => ({
  topic: 'adtrace.dead-letters',
  partition: 2,
  offset: '41',
  key: null,
  headers,
  timestamp: 1_795_305_985_000,
  eventId: undefined,
  traceId: undefined,
});

describe('deadLetterRow is total: any record of the dead-letters topic becomes a row', () => {
  test('a dead letter as the runtime writes it', () => {
    const row = deadLetterRow(
      record({
        [DeadLetterHeaders.reason]: Buffer.from('imp[0].id is missing'),
        [DeadLetterHeaders.originalPartition]: Buffer.from('4'),
        [DeadLetterHeaders.originalOffset]: Buffer.from('17'),
        [DeadLetterHeaders.deadLetteredAt]: Buffer.from('1795305985123'),
      }),
      Buffer.from([1, 2]),
    );
    expect(row).toMatchObject({
      dlqPartition: 2,
      dlqOffset: '41',
      reason: 'imp[0].id is missing',
      originalPartition: 4,
      originalOffset: '17',
      deadLetteredAtMs: 1_795_305_985_123,
      code: null,
    });
  });

  test('headers the tables cannot hold become null or lose their NUL bytes, and nothing throws', () => {
    const row = deadLetterRow(
      record({
        [DeadLetterHeaders.reason]: 'a\u0000b',
        'x\u0000': Buffer.from([0xff, 0x00]),
        [DeadLetterHeaders.originalPartition]: '99999999999',
        [DeadLetterHeaders.originalOffset]: '99999999999999999999',
        [DeadLetterHeaders.originalTimestamp]: '-5',
        [DeadLetterHeaders.deadLetteredAt]: '1e400',
      }),
      null,
    );
    expect(row).toMatchObject({
      reason: 'ab',
      originalPartition: null,
      originalOffset: null,
      originalTimestampMs: null,
      deadLetteredAtMs: 1_795_305_985_000,
      value: null,
    });
    expect(row.headersJson).not.toContain('\\u0000');
    expect(deadLetterRow(record({}), null).headersJson).toBe('{}');
  });
});

describe('asSinkError', () => {
  test('the warehouse away is transient; rows it refuses are rejected; the rest stays as it is', () => {
    const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
    expect(asSinkError(pg('57P01'))).toBeInstanceOf(TransientError);
    expect(asSinkError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(TransientError);
    expect(asSinkError(pg('22021'))).toMatchObject({ code: '22021' });
    expect(asSinkError(pg('22021'))).toBeInstanceOf(RejectedError);
    expect(asSinkError(new Error('Conversion Error: could not convert'))).toBeInstanceOf(RejectedError);
    const other = new Error('something else');
    expect(asSinkError(other)).toBe(other);
  });
});
