import { CodecError } from '@adtrace/schemas';
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { classify } from './classify.ts';
import { ConfigError, RejectedError, TransientError } from './errors.ts';

const protocol = (type: string, retriable = false) =>
  new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as unknown as Error);

describe('classify', () => {
  test('a handler rejection is dead-lettered with its own code and reason', () => {
    const v = classify(new RejectedError('FLOOR', 'bid below floor'), 'handle');
    expect(v).toMatchObject({
      action: 'dead-letter',
      code: 'FLOOR',
      reason: 'bid below floor',
      errorClass: 'RejectedError',
      retryFirst: false,
      declared: true,
    });
  });

  test('a codec error is dead-lettered, unless it declares itself retriable (the registry is away)', () => {
    const corrupt = classify(new CodecError('TRUNCATED', 'body ends after 3 of 10 bytes'), 'decode');
    expect(corrupt).toMatchObject({ action: 'dead-letter', code: 'TRUNCATED' });
    const away = new CodecError('REGISTRY_UNAVAILABLE', 'schema registry answered 503');
    expect(away.retriable).toBe(true);
    expect(classify(away, 'decode')).toMatchObject({ action: 'retry', code: 'REGISTRY_UNAVAILABLE' });
  });

  test('transient errors are retried at every stage, never dead-lettered', () => {
    for (const stage of ['decode', 'handle', 'produce', 'commit', 'transaction'] as const) {
      expect(classify(new TransientError('profile store away'), stage).action).toBe('retry');
      expect(classify(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), stage).action).toBe('retry');
      expect(classify(new KafkaJSRequestTimeoutError('Request Produce timed out'), stage).action).toBe('retry');
      expect(classify(protocol('NOT_LEADER_FOR_PARTITION', true), stage).action).toBe('retry');
      expect(classify(Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }), stage).action).toBe(
        'retry',
      );
    }
  });

  test('kafkajs giving up after its own retries on a transient cause is still transient', () => {
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('broker away'), {
      retryCount: 5,
      retryTime: 3000,
    });
    expect(classify(gaveUp, 'produce').action).toBe('retry');
  });

  test('a rebalance abandons the chunk; a fenced producer crashes', () => {
    expect(classify(protocol('REBALANCE_IN_PROGRESS', true), 'commit').action).toBe('abandon');
    expect(classify(protocol('ILLEGAL_GENERATION'), 'commit').action).toBe('abandon');
    expect(classify(protocol('PRODUCER_FENCED'), 'transaction')).toMatchObject({
      action: 'crash',
      code: 'PRODUCER_FENCED',
    });
    expect(classify(protocol('INVALID_PRODUCER_EPOCH'), 'transaction').action).toBe('crash');
  });

  test('undecodable input is dead-lettered: with the codec code, or UNDECODABLE', () => {
    const codec = Object.assign(new Error('truncated record'), { code: 'TRUNCATED' });
    expect(classify(codec, 'decode')).toMatchObject({
      action: 'dead-letter',
      code: 'TRUNCATED',
      declared: true,
      retryFirst: false,
    });
    expect(classify(new RangeError('offset out of bounds'), 'decode')).toMatchObject({
      action: 'dead-letter',
      code: 'UNDECODABLE',
      declared: false,
    });
  });

  test('an unclassified handler error is retried first, then dead-lettered, and counts toward the breaker', () => {
    expect(classify(new TypeError('x is undefined'), 'handle')).toMatchObject({
      action: 'dead-letter',
      code: 'HANDLER_FAILED',
      errorClass: 'TypeError',
      retryFirst: true,
      declared: false,
    });
    expect(classify(new TypeError('bad value'), 'encode')).toMatchObject({
      action: 'dead-letter',
      code: 'ENCODE_FAILED',
      retryFirst: true,
    });
  });

  test("a sink's failed write: the store away is retried, a refused record isolated, nothing else declared", () => {
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(classify(refused, 'write')).toMatchObject({
      action: 'dead-letter',
      code: '23505',
      retryFirst: true,
      declared: false,
    });
    expect(classify(new Error('Connection terminated'), 'write')).toMatchObject({
      code: 'WRITE_FAILED',
      declared: false,
    });
    expect(classify(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'write').action).toBe('retry');
    expect(classify(new TransientError('warehouse busy'), 'write').action).toBe('retry');
    expect(classify(new RejectedError('NUL_BYTE', 'text with a NUL'), 'write')).toMatchObject({
      action: 'dead-letter',
      declared: true,
      retryFirst: false,
    });
  });

  test('bugs and bad config outside the handler crash', () => {
    expect(classify(new TypeError('cannot read properties of undefined'), 'produce').action).toBe('crash');
    expect(classify(new ConfigError('AUCTION_BATCH_SIZE', 'expected an integer'), 'handle').action).toBe('crash');
    expect(classify(protocol('TOPIC_AUTHORIZATION_FAILED'), 'produce').action).toBe('crash');
    expect(classify('a string', 'commit').action).toBe('crash');
  });

  test('a failed kafkajs transaction is retried with a new producer (kafkajs #1282)', () => {
    const stuck = new KafkaJSNonRetriableError('Transaction state exception: Invalid transaction state');
    expect(classify(stuck, 'transaction')).toMatchObject({ action: 'retry', code: 'TRANSACTION_FAILED' });
    expect(classify(stuck, 'produce').action).toBe('crash');
    expect(classify(new KafkaJSError('retriable', { retriable: true }), 'produce').action).toBe('retry');
  });
});

describe('a dependency away, overloaded or full is transient: retried with backoff, never a dead letter', () => {
  const cases: [string, unknown][] = [
    ['DNS lookup failed', Object.assign(new Error('getaddrinfo ENOTFOUND profile-store'), { code: 'ENOTFOUND' })],
    [
      'fetch() to a refused port',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    ],
    ['an HTTP 503', Object.assign(new Error('segments service answered 503'), { status: 503 })],
    ['an HTTP 429', Object.assign(new Error('rate limited'), { statusCode: 429 })],
    ['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['PostgreSQL disk full (53100)', Object.assign(new Error('could not extend file'), { code: '53100' })],
    ['PostgreSQL connection failure (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections (53300)', Object.assign(new Error('too many clients'), { code: '53300' })],
    [
      'a timed-out call',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
  ];
  for (const [what, error] of cases) {
    test(what, () => {
      for (const stage of ['handle', 'write', 'encode'] as const) {
        expect(classify(error, stage), stage).toMatchObject({ action: 'retry' });
      }
    });
  }

  test('a database error about the record itself (a constraint) is not mistaken for one', () => {
    const unique = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(classify(unique, 'handle').action).toBe('dead-letter');
  });

  test('a batch over max.message.bytes is not a transient error to retry as is', () => {
    expect(classify(protocol('MESSAGE_TOO_LARGE'), 'produce')).toMatchObject({
      action: 'crash',
      code: 'MESSAGE_TOO_LARGE',
    });
  });
});
