/**
 * Which broker errors are worth waiting out. A broker that is starting, restarting or electing
 * leaders answers for a while with connection errors and retriable protocol errors (not leader,
 * leader not available, coordinator loading, request timed out); kafkajs wraps them in
 * "number of retries exceeded" and aggregate errors. Those are transient: the CLI waits and says
 * so. Anything else (a bad config, a refused request) is not.
 */
const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  // "Failed to find group coordinator": a consumer (the trackers', a tail's) whose broker is
  // restarting. kafkajs calls it non-retriable; the stream runtime waits it out too (brokerAway).
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
]);

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/** Short words for a person, by protocol error type; none of them reads as a failure. */
const REASONS: Record<string, string> = {
  NOT_LEADER_FOR_PARTITION: 'leader election',
  NOT_LEADER_OR_FOLLOWER: 'leader election',
  LEADER_NOT_AVAILABLE: 'leader election',
  NOT_CONTROLLER: 'controller moving',
  COORDINATOR_LOAD_IN_PROGRESS: 'coordinator loading',
  COORDINATOR_NOT_AVAILABLE: 'coordinator moving',
  NOT_COORDINATOR: 'coordinator moving',
  REQUEST_TIMED_OUT: 'broker busy',
  UNKNOWN_TOPIC_OR_PARTITION: 'topic metadata propagating',
  TOPIC_ALREADY_EXISTS: 'topics being created',
};

interface Inspected {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

/** The error and everything it wraps, outermost first. */
function chain(err: unknown, depth = 0): Inspected[] {
  if (typeof err !== 'object' || err === null || depth > 8) return [];
  const e = err as Inspected;
  const inner = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return [e, ...inner.flatMap((i) => chain(i, depth + 1))];
}

/** Why the broker is not answering yet, in words, when the error is transient; undefined otherwise. */
export function transientReason(err: unknown): string | undefined {
  for (const e of chain(err)) {
    if (typeof e.type === 'string' && e.type in REASONS) return REASONS[e.type];
    if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return 'no connection yet';
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) {
      return e.name.includes('Connection') || e.name.includes('Broker') ? 'no connection yet' : 'broker busy';
    }
    if (e.name === 'KafkaJSProtocolError' && e.retriable === true) return 'broker busy';
  }
  return undefined;
}

export const isTransient = (err: unknown): boolean => transientReason(err) !== undefined;
