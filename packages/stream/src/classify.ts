import { ConfigError, describe, RejectedError, TransientError } from './errors.ts';

/** Where an error happened: the same error means different things at different stages. */
export type Stage =
  | 'decode'
  | 'handle'
  | 'encode'
  | 'write'
  | 'produce'
  | 'transaction'
  | 'commit'
  | 'restore'
  | 'startup';

/**
 * - retry: transient (broker, coordinator, network); back off and try again, never dead-letter.
 * - dead-letter: this message can never succeed; park it and move on.
 * - abandon: our partitions are being taken away (rebalance); drop uncommitted work, the next
 *   owner redelivers it.
 * - crash: a bug or bad config; stop the service with a clear message.
 */
export type Action = 'retry' | 'dead-letter' | 'abandon' | 'crash';

export interface Verdict {
  readonly action: Action;
  readonly code: string;
  readonly reason: string;
  readonly errorClass: string;
  /** Unknown handler errors are retried a few times before they are dead-lettered. */
  readonly retryFirst: boolean;
  /**
   * The error said what it is (RejectedError, or a codec error with a code). Dead letters of
   * undeclared errors in a row are counted: many of them mean a bug, not bad messages.
   */
  readonly declared: boolean;
}

const REBALANCE = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
// Retriable whatever their `retriable` flag says: kafkajs gives up on these after its own retries.
const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/**
 * SQLSTATE classes and codes of a database that is away, overloaded or full — not of a bad
 * record: 08 connection exception, 53 insufficient resources (disk full, out of memory, too many
 * connections), 57P0x shut down or starting, 40001/40P01 serialization failure and deadlock.
 */
const SQL_TRANSIENT = /^(08|53)[0-9A-Z]{3}$|^57P0[1-4]$|^40001$|^40P01$/;
/** Error names of a call that timed out or was cut off (fetch, AbortSignal.timeout). */
const TRANSIENT_ERROR_NAMES = new Set(['TimeoutError', 'AbortError', 'FetchError']);

type Fields = {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  errno?: unknown;
  status?: unknown;
  statusCode?: unknown;
  retriable?: unknown;
  cause?: unknown;
};

/** The one place that decides retry, dead-letter, abandon or crash for any error. */
export function classify(error: unknown, stage: Stage): Verdict {
  const errorClass = error instanceof Error ? error.name : typeof error;
  const declared = error instanceof RejectedError || stringCode(error) !== undefined;
  const verdict = (action: Action, code: string, retryFirst = false): Verdict => ({
    action,
    code,
    reason: error instanceof RejectedError ? error.reason : describe(error),
    errorClass,
    retryFirst,
    declared,
  });
  if (error instanceof RejectedError) return verdict('dead-letter', error.code);
  if (error instanceof TransientError) return verdict('retry', error.code);
  if (error instanceof ConfigError) return verdict('crash', error.code);
  const kafka = kafkaVerdict(error);
  if (kafka === 'fenced') return verdict('crash', 'PRODUCER_FENCED');
  if (kafka === 'too-large') return verdict('crash', 'MESSAGE_TOO_LARGE');
  if (kafka === 'rebalance') return verdict('abandon', 'REBALANCE');
  if (kafka === 'transient') return verdict('retry', 'TRANSIENT');
  // A dependency away, overloaded or full (network, HTTP 5xx/429, a database): about the world,
  // not the record. Retried with backoff until it answers, never a dead letter.
  const dependency = dependencyFailure(error);
  if (dependency) return verdict('retry', dependency);
  // kafkajs leaves a transactional producer unusable after some failures (kafkajs #1282): the
  // delivery recreates the producer and retries, and crashes if that keeps failing.
  if (stage === 'transaction' && isKafkaJs(error)) return verdict('retry', 'TRANSACTION_FAILED');
  // An error that declares itself retriable (a schema registry away: CodecError
  // REGISTRY_UNAVAILABLE) is about the world, not the record: retry it, never dead-letter it.
  if ((error as Fields | undefined)?.retriable === true) return verdict('retry', stringCode(error) ?? 'TRANSIENT');
  // Unknown errors: a codec is deterministic over bytes, so retrying a decode is pointless.
  if (stage === 'decode') return verdict('dead-letter', stringCode(error) ?? 'UNDECODABLE');
  // A handler error we cannot classify may be a flake: retry a few times, then dead-letter.
  // A systemic bug is caught by the consecutive-failure breaker (process-message.ts), which crashes.
  // A sink's bulk write to its store: a code on the error names the store's failure, not the
  // record, so only a RejectedError is declared; undeclared dead letters in a row trip the breaker.
  if (stage === 'write')
    return { ...verdict('dead-letter', stringCode(error) ?? 'WRITE_FAILED', true), declared: false };
  if (stage === 'handle' || stage === 'encode') {
    return verdict('dead-letter', stringCode(error) ?? (stage === 'handle' ? 'HANDLER_FAILED' : 'ENCODE_FAILED'), true);
  }
  return verdict('crash', stringCode(error) ?? 'UNEXPECTED');
}

/** The code of a dependency's transient failure anywhere in the cause chain, if it is one. */
function dependencyFailure(error: unknown): string | undefined {
  for (let e = error as Fields | undefined, depth = 0; e && depth < 5; e = e.cause as Fields, depth++) {
    if (typeof e !== 'object') return undefined;
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && NETWORK_CODES.has(code)) return code;
    if (code && SQL_TRANSIENT.test(code)) return `SQLSTATE_${code}`;
    const status =
      typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
    if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return `HTTP_${status}`;
    if (typeof e.name === 'string' && TRANSIENT_ERROR_NAMES.has(e.name)) return e.name;
  }
  return undefined;
}

function kafkaVerdict(error: unknown): 'fenced' | 'rebalance' | 'transient' | 'too-large' | undefined {
  // Walk the cause chain: KafkaJSNumberOfRetriesExceeded wraps the error it gave up on.
  for (let e = error as Fields | undefined, depth = 0; e && depth < 5; e = e.cause as Fields, depth++) {
    if (typeof e !== 'object') return undefined;
    const type = typeof e.type === 'string' ? e.type : undefined;
    if (type && FENCED.has(type)) return 'fenced';
    if (type && REBALANCE.has(type)) return 'rebalance';
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return 'too-large';
    if (e.name === 'KafkaJSFetcherRebalanceError') return 'rebalance';
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return 'transient';
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
    if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true) return 'transient';
  }
  return undefined;
}

function isKafkaJs(error: unknown): boolean {
  const name = (error as Fields | undefined)?.name;
  return typeof name === 'string' && name.startsWith('KafkaJS');
}

function stringCode(error: unknown): string | undefined {
  const code = (error as Fields | undefined)?.code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}
