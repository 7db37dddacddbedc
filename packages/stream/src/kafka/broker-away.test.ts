import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { brokerAway, restartWhileBrokerAway } from './broker-away.ts';

// As kafkajs raises a broker's error code 30.
const groupDenied = () =>
  new KafkaJSProtocolError({
    message: 'Not authorized to access group',
    type: 'GROUP_AUTHORIZATION_FAILED',
    code: 30,
    retriable: false,
  } as never);

// What kafkajs throws when FindCoordinator keeps failing (its types declare no message).
const coordinatorGone = () =>
  new (KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error)(
    'Failed to find group coordinator',
  );

describe('brokerAway', () => {
  it("holds kafkajs's ways of saying the broker is restarting, and nothing else", () => {
    // What the table reader of `adtrace start`'s profiling crashed on in CI, its broker restarting.
    expect(brokerAway(coordinatorGone())).toBe(true);
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:41067');
    expect(brokerAway(new KafkaJSNonRetriableError(refused))).toBe(true);
    expect(brokerAway(new Error('the schema of a record is unknown'))).toBe(false);
    expect(brokerAway(groupDenied())).toBe(false);
  });
});

describe('restartWhileBrokerAway', () => {
  const harness = (stopped = () => false) => {
    const timers: { fn: () => void; ms: number }[] = [];
    const crashes: unknown[] = [];
    let starts = 0;
    let nextStart: () => Promise<void> = async () => {};
    const policy = restartWhileBrokerAway({
      start: () => {
        starts += 1;
        return nextStart();
      },
      stopped,
      crash: (e) => void crashes.push(e),
      schedule: (fn, ms) => void timers.push({ fn, ms }),
    });
    return {
      policy,
      timers,
      crashes,
      starts: () => starts,
      failNextStartWith: (e: unknown) => {
        nextStart = () => Promise.reject(e);
      },
      succeedNextStart: () => {
        nextStart = async () => {};
      },
    };
  };

  it('starts the consumer again after a broker-away crash, backing off while it stays away', async () => {
    const h = harness();
    h.failNextStartWith(coordinatorGone());
    h.policy.crashed(coordinatorGone());
    expect(h.crashes).toEqual([]);
    for (let i = 0; i < 8; i++) {
      h.timers.at(-1)!.fn();
      await new Promise((r) => setImmediate(r));
    }
    expect(h.starts()).toBe(8);
    expect(h.timers.map((t) => t.ms)).toEqual([500, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000]);
    expect(h.crashes).toEqual([]);
    // Back in its group: the next outage starts from the shortest pause again.
    h.policy.recovered();
    h.policy.crashed(coordinatorGone());
    expect(h.timers.at(-1)!.ms).toBe(500);
  });

  it('crashes at once on an error that is not the broker being away, or once stopped', async () => {
    const h = harness();
    const denied = groupDenied();
    h.policy.crashed(denied);
    expect(h.crashes).toEqual([denied]);
    expect(h.timers).toEqual([]);

    let stopped = false;
    const s = harness(() => stopped);
    s.policy.crashed(coordinatorGone());
    stopped = true;
    s.timers[0]!.fn();
    expect(s.starts()).toBe(0); // stopped during the pause: not started again
    const gone = coordinatorGone();
    s.policy.crashed(gone);
    expect(s.crashes).toEqual([gone]);
  });

  it('a restart that fails otherwise is a crash', async () => {
    const h = harness();
    const denied = groupDenied();
    h.failNextStartWith(denied);
    h.policy.crashed(coordinatorGone());
    h.timers[0]!.fn();
    await new Promise((r) => setImmediate(r));
    expect(h.crashes).toEqual([denied]);
  });
});
