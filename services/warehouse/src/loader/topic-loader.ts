import { createSink, type Log, readEnv, type StreamConfig, toConfig } from '@adtrace/stream';
import type { Warehouse } from '@adtrace/warehouse';
import { type LoaderTopics, type LoadRow, loaderInputs, loadRecords } from './load-rows.ts';
import type { RecordDecoders } from './record-rows.ts';

export type { LoaderTopics } from './load-rows.ts';

export interface LoaderOptions {
  readonly brokers: readonly string[];
  /** The consumer group, and the stage named in the dead letters of records it cannot load. */
  readonly groupId: string;
  readonly topics: LoaderTopics;
  readonly warehouse: Warehouse;
  readonly decoders: RecordDecoders;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Where the runtime's WAREHOUSE_LOADER_* knobs are read (BATCH_SIZE, HEALTH_PORT, …); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoaderStats {
  /** Rows that were new, per topic (a topic appears once a chunk of it was loaded). */
  readonly loaded: Record<string, number>;
  /** Records that did not decode, now dead letters (and rows of dead_letters). */
  readonly undecodable: number;
  readonly ready: boolean;
  /** Why the loader stopped, if it crashed. */
  readonly error?: string;
}

export interface TopicLoader {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): LoaderStats;
}

/**
 * Loads attributed events, ROAS windows and dead letters into the warehouse: a sink of the
 * stream runtime. Each chunk (up to WAREHOUSE_LOADER_BATCH_SIZE records of one partition) is one
 * warehouse transaction, and its offsets are committed only after it: at least once into
 * idempotent tables, so a crash never loses or duplicates a row. A record that cannot be loaded
 * becomes a dead letter, which this loader then loads into dead_letters.
 */
export function createTopicLoader(options: LoaderOptions): TopicLoader {
  const { topics, warehouse, decoders } = options;
  const loaded: Record<string, number> = {};
  let undecodable = 0;
  let error: string | undefined;
  const sink = createSink<LoadRow>({
    name: options.groupId,
    config: loaderStreamConfig(options),
    log: serviceLog(options.log),
    input: loaderInputs(topics, decoders, () => void undecodable++),
    write: (records) => loadRecords(warehouse, records, loaded),
    // One `warehouse.load <table>` span per write, none per row: a span per loaded record made
    // ~14 % of all the spans the warehouse stored (bench pipeline), each one made, exported to
    // the warehouse itself, decoded and stored again, for rows whose events are traced already.
    recordSpans: false,
  });
  sink.done.catch((e: unknown) => {
    error = e instanceof Error ? e.message : String(e);
    options.log('error', `loader stopped: ${error}`);
  });
  return {
    start: () => sink.start(),
    stop: () => sink.stop(),
    stats: () => ({ loaded: { ...loaded }, undecodable, ready: sink.ready, ...(error ? { error } : {}) }),
  };
}

/**
 * The loader lingers 500 ms after a fetch that caught up (WAREHOUSE_LOADER_LINGER_MS): at 20
 * events/s it loaded every record or two as it came, ~30 loads and 50 offset commits a second,
 * and the warehouse used 40–46 % of a core; lingering, 18 % (bench/README.md, "a consumer's
 * linger"). No event waits on it; its tables lag the topics by up to half a second more.
 */
const LOADER_LINGER_MS = 500;

/** The runtime's knobs under WAREHOUSE_LOADER_*; its dead letters go to the topic it loads. */
export function loaderStreamConfig(options: Pick<LoaderOptions, 'brokers' | 'topics' | 'env'>): StreamConfig {
  const env = readEnv('WAREHOUSE_LOADER', options.env ?? process.env);
  return toConfig({
    lingerMs: LOADER_LINGER_MS,
    ...env,
    brokers: [...options.brokers],
    deadLetterTopic: options.topics.deadLetters,
  });
}

function serviceLog(log: LoaderOptions['log']): Log {
  return (level, message, fields) => {
    if (level === 'debug') return;
    let detail = '';
    try {
      detail = fields
        ? ` ${JSON.stringify(fields, (_k, v) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}`
        : '';
    } catch {}
    log(level, `${message}${detail}`);
  };
}
