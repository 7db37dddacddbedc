import { Topics } from '@adtrace/schemas';
import { ConfigError } from './errors.ts';
import type { DeliveryMode } from './types.ts';

/** The runtime's own knobs. Services read them with `readEnv(prefix)` and check them with `toConfig`. */
export interface StreamConfig {
  /** The prefix of the variables this config was read from (e.g. AUCTION), to name them in errors. */
  readonly prefix: string;
  readonly brokers: readonly string[];
  readonly clientId: string | undefined;
  /** Default delivery mode; a hop that declares `mode` (stateful services) overrides it. */
  readonly mode: DeliveryMode;
  /** Messages per chunk: one produce request (or one transaction) and one commit per chunk. */
  readonly batchSize: number;
  /**
   * Partitions handled at once. kafkajs hands a fetch's partitions to this many workers and
   * fetches again once all are handled, so fewer than a fetch holds handles it in rounds, each
   * its own transaction (or produce and commit). The default covers every partition a member of
   * this project's topology is assigned (two inputs of six partitions), so a fetch's chunks share
   * one; a lower value bounds in-flight work (with batchSize) at that price.
   */
  readonly partitionsConcurrently: number;
  /** Fetch limits: what kafkajs may hold in memory before we have handled it. */
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  /**
   * A fetch is answered once it has this many bytes or has waited `fetchMaxWaitMs` (Kafka's
   * fetch.min.bytes and fetch.max.wait.ms). Above 1 byte, the records that arrive within the wait
   * are handled, and committed, together: fewer, larger transactions at low rates, for up to the
   * wait's latency per hop; a minimum above what a backlog's fetch returns slows the backlog
   * (bench README, "exactly-once v2").
   */
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  /**
   * After a fetch that returned records and left none behind on the broker, the next fetch waits
   * until this long after it (Kafka's producer linger.ms, on the consuming side): what arrives
   * meanwhile is handled and committed together, one transaction (or produce and commit, or
   * warehouse load) for it all. 0 (the default) for the hops on an event's path, whose latency it
   * would add to; hops no request waits on linger (BACKGROUND_LINGER_MS; the warehouse's topic
   * loader 500 ms). A fetch that came back empty, or one that left records behind (a backlog),
   * waits for nothing.
   */
  readonly lingerMs: number;
  /** HTTP port for /healthz and /readyz; 0 picks a free port; undefined serves none. */
  readonly healthPort: number | undefined;
  /** Attempts for an unclassified handler error before the message is dead-lettered. */
  readonly handlerAttempts: number;
  /** This many dead letters for unclassified errors in a row is systemic: crash instead. */
  readonly maxConsecutiveFailures: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /**
   * Produce compression; none by default, as in Kafka's own producer. A gzip call costs ~90 µs of
   * CPU however small its batch (and the broker and every consumer inflate it again), and at low
   * rates a hop's batch holds a record or two (bench/README.md, "pipeline: gzip off by default").
   */
  readonly compression: 'gzip' | 'none';
  readonly deadLetterTopic: string;
  readonly restoreTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /**
   * The idle policy (stream-time.ts): an input partition with no record for this long stops
   * holding stream time back, and a task with no record for this long has its stream time
   * advanced with the wall clock, so windows close and timers fire without new input.
   */
  readonly idleMs: number;
  /**
   * This process's name among a service's live processes (ADTRACE_INSTANCE_ID, shared with the
   * telemetry's `service.instance.id`; a Kubernetes pod's name). When set, an exactly-once
   * member's transactional id is `<group>-<instance id>`, the same across restarts in place: a
   * process restarted after a crash fences the transaction its predecessor left open at once
   * instead of leaving it to hold its partitions back until the coordinator times it out.
   * Unset: an id of its own per process. Two live processes must never share one.
   */
  readonly instanceId: string | undefined;
}

type Kind = { int: [min: number, max: number] } | { oneOf: readonly string[] } | 'string' | 'list';
const fields = {
  brokers: { env: 'KAFKA_BROKERS', kind: 'list', def: ['127.0.0.1:9092'] },
  clientId: { env: 'CLIENT_ID', kind: 'string', def: undefined },
  mode: { env: 'MODE', kind: { oneOf: ['at-least-once', 'exactly-once'] }, def: 'at-least-once' },
  batchSize: { env: 'BATCH_SIZE', kind: { int: [1, 100_000] }, def: 500 },
  partitionsConcurrently: { env: 'PARTITIONS_CONCURRENTLY', kind: { int: [1, 1024] }, def: 64 },
  maxBytes: { env: 'MAX_BYTES', kind: { int: [1024, 1 << 30] }, def: 8 << 20 },
  maxBytesPerPartition: { env: 'MAX_BYTES_PER_PARTITION', kind: { int: [1024, 1 << 30] }, def: 1 << 20 },
  fetchMinBytes: { env: 'FETCH_MIN_BYTES', kind: { int: [1, 1 << 30] }, def: 1 },
  fetchMaxWaitMs: { env: 'FETCH_MAX_WAIT_MS', kind: { int: [1, 30_000] }, def: 1000 },
  lingerMs: { env: 'LINGER_MS', kind: { int: [0, 1000] }, def: 0 },
  healthPort: { env: 'HEALTH_PORT', kind: { int: [0, 65_535] }, def: undefined },
  handlerAttempts: { env: 'HANDLER_ATTEMPTS', kind: { int: [1, 100] }, def: 3 },
  maxConsecutiveFailures: { env: 'MAX_CONSECUTIVE_FAILURES', kind: { int: [1, 1_000_000] }, def: 50 },
  retryInitialMs: { env: 'RETRY_INITIAL_MS', kind: { int: [1, 60_000] }, def: 100 },
  retryMaxMs: { env: 'RETRY_MAX_MS', kind: { int: [1, 600_000] }, def: 10_000 },
  compression: { env: 'COMPRESSION', kind: { oneOf: ['gzip', 'none'] }, def: 'none' },
  deadLetterTopic: { env: 'DEAD_LETTER_TOPIC', kind: 'string', def: Topics.deadLetters },
  restoreTimeoutMs: { env: 'RESTORE_TIMEOUT_MS', kind: { int: [1000, 3_600_000] }, def: 300_000 },
  sessionTimeoutMs: { env: 'SESSION_TIMEOUT_MS', kind: { int: [6000, 300_000] }, def: 30_000 },
  idleMs: { env: 'IDLE_MS', kind: { int: [100, 86_400_000] }, def: 10_000 },
  instanceId: { env: 'ADTRACE_INSTANCE_ID', kind: 'string', def: undefined },
} as const satisfies Record<Exclude<keyof StreamConfig, 'prefix'>, { env: string; kind: Kind; def: unknown }>;

/**
 * The linger of a hop no request waits on (attribution, re-keying, ROAS): a service sets it as
 * its default, `<PREFIX>_LINGER_MS` overrides it. At the demo's 20 events/s every hop committed a
 * transaction for each record or two — ~55 broker requests an event, the broker ~65 % of a core
 * at ~0.6 ms of its CPU a request; tracking's two hops and aggregation lingering 200 ms took
 * 7.4–7.7 transactions an event to 5.8–6.0 and the machine from 160–171 % to 134–150 %
 * (bench/README.md, session 33). What they feed (attributed events, ROAS, campaign spend) is
 * seen up to 200 ms later per hop; a backlog never waits.
 */
export const BACKGROUND_LINGER_MS = 200;

/** Raw settings, as read from the environment or written by a test; `prefix` names the variables. */
type Field = keyof typeof fields;
export type StreamEnv = { -readonly [K in Field]?: unknown } & { prefix?: string };

/** Variables every service of a process reads under their own name, not under its prefix. */
const SHARED: ReadonlySet<string> = new Set(['KAFKA_BROKERS', 'ADTRACE_INSTANCE_ID']);

function variable(key: Field, prefix: string | undefined): string {
  const { env } = fields[key];
  return SHARED.has(env) ? env : `${prefix ?? 'STREAM'}_${env}`;
}

/** The variables `readEnv(prefix)` reads, KAFKA_BROKERS and ADTRACE_INSTANCE_ID among them. */
export function streamVariables(prefix: string): string[] {
  return (Object.keys(fields) as Field[]).map((key) => variable(key, prefix));
}

/** Step one: the variables under `prefix` (and the shared KAFKA_BROKERS and ADTRACE_INSTANCE_ID), unparsed. */
export function readEnv(prefix: string, env: NodeJS.ProcessEnv = process.env): StreamEnv {
  const out: StreamEnv = { prefix };
  for (const key of Object.keys(fields) as Field[]) {
    const raw = env[variable(key, prefix)]?.trim();
    if (raw !== undefined && raw !== '') out[key] = raw;
  }
  return out;
}

/** Step two: check and apply defaults. A wrong value throws a ConfigError naming the variable. */
export function toConfig(input: StreamEnv = {}): StreamConfig {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields) as Field[]) {
    const { kind, def } = fields[key] as { kind: Kind; def: unknown };
    const raw = input[key];
    out[key] = raw === undefined ? def : parse(raw, kind, variable(key, input.prefix));
  }
  out.prefix = input.prefix ?? 'STREAM';
  const config = out as unknown as StreamConfig;
  if (config.retryMaxMs < config.retryInitialMs) {
    throw new ConfigError(variable('retryMaxMs', input.prefix), 'must be at least the initial retry delay');
  }
  return config;
}

function parse(raw: unknown, kind: Kind, name: string): unknown {
  const fail = (why: string): never => {
    throw new ConfigError(name, `${why}, got ${JSON.stringify(raw)}`);
  };
  if (kind === 'list') {
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : fail('expected a list');
    const items = list.map((s) => String(s).trim()).filter((s) => s.length > 0);
    if (items.length === 0 || items.some((b) => !/^[^:\s]+:\d{1,5}$/.test(b))) fail('expected host:port[,host:port…]');
    return items;
  }
  if (kind === 'string')
    return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : fail('expected a non-empty string');
  if ('oneOf' in kind)
    return kind.oneOf.includes(String(raw)) ? String(raw) : fail(`expected one of ${kind.oneOf.join(', ')}`);
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  const [min, max] = kind.int;
  if (!Number.isInteger(n) || n < min || n > max) fail(`expected an integer from ${min} to ${max}`);
  return n;
}
