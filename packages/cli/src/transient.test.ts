import { describe, expect, it } from 'vitest';
import { isTransient, transientReason } from './transient.ts';

// Shapes as kafkajs builds them (errors.js): a name, and a type/code/retriable on protocol errors.
const protocol = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
const wrapped = (cause: unknown) =>
  Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false, cause });

describe('transient broker errors', () => {
  it('waits out leader elections, coordinator loading and lost connections, however wrapped', () => {
    expect(transientReason(protocol('NOT_LEADER_OR_FOLLOWER', true))).toBe('leader election');
    expect(transientReason(wrapped(protocol('COORDINATOR_LOAD_IN_PROGRESS', true)))).toBe('coordinator loading');
    expect(
      transientReason(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED' })),
    ).toBe('no connection yet');
    const aggregate = Object.assign(new Error('agg'), {
      name: 'KafkaJSAggregateError',
      errors: [protocol('TOPIC_ALREADY_EXISTS', false)],
    });
    expect(transientReason(aggregate)).toBe('topics being created');
    expect(transientReason(wrapped(protocol('SOME_NEW_RETRIABLE', true)))).toBe('broker busy');
    // A consumer group's coordinator while the broker restarts (kafkajs cluster/index.js).
    const noCoordinator = Object.assign(new Error('Failed to find group coordinator'), {
      name: 'KafkaJSGroupCoordinatorNotFound',
      retriable: false,
    });
    expect(transientReason(noCoordinator)).toBe('broker busy');
  });

  it('does not wait out refusals or bugs', () => {
    expect(isTransient(protocol('INVALID_REPLICATION_FACTOR', false))).toBe(false);
    expect(isTransient(wrapped(protocol('POLICY_VIOLATION', false)))).toBe(false);
    expect(isTransient(new TypeError('undefined is not a function'))).toBe(false);
    expect(isTransient('ECONNREFUSED')).toBe(false);
  });

  it('never reports a reason that reads as a failure', () => {
    for (const t of ['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_CONTROLLER', 'REQUEST_TIMED_OUT']) {
      expect(transientReason(protocol(t, true))).not.toMatch(/error|exception|not the leader|crash/i);
    }
  });
});
