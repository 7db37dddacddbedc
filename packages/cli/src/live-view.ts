import { setTimeout as sleep } from 'node:timers/promises';
import { TOPIC_NAMESPACE, topicSpecs } from '@adtrace/schemas';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { print } from './command.ts';
import { kafkaBrokers } from './kafka-env.ts';
import { countedTopics, pipelineLines, type Reading } from './pipeline/pipeline-view.ts';
import { type RecordCounter, startRecordCounter } from './pipeline/record-counter.ts';
import { readinessUrl, serviceState } from './services.ts';
import { transientReason } from './transient.ts';
import { warehouseApiUrl } from './views/warehouse-api.ts';

/** A service that `start` runs exited while the pipeline was running. */
export class ServiceExited extends Error {
  override readonly name = 'ServiceExited';
  readonly services: readonly string[];
  constructor(services: readonly string[]) {
    super(`${services.join(', ')} exited while the pipeline was running`);
    this.services = services;
  }
}

/**
 * Each pipeline topic's end offsets, summed over its partitions: what lag is measured against.
 * Not a count of records: transactional writes add a commit marker per partition.
 */
async function topicCounts(admin: Admin): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { name } of topicSpecs) {
    const offsets = await admin.fetchTopicOffsets(name);
    counts.set(
      name,
      offsets.reduce((n, p) => n + Number(p.high), 0),
    );
  }
  return counts;
}

/** The services, each marked when its readiness endpoint does not answer 200 (e.g. a loader that stopped). */
async function servicesUp(services: readonly string[]): Promise<string> {
  const marked = await Promise.all(
    services.map(async (name) => {
      try {
        const res = await fetch(readinessUrl(name), { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        return res.status === 200 ? name : `${name} (not ready)`;
      } catch {
        return `${name} (not ready)`;
      }
    }),
  );
  return marked.join(', ') || 'none';
}

async function warehouseSpans(): Promise<string> {
  try {
    const res = await fetch(`${warehouseApiUrl()}/api/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { spans?: { spansInserted?: number } };
    return String(body.spans?.spansInserted ?? '?');
  } catch {
    return 'unreachable';
  }
}

const clock = () => `[${new Date().toISOString().slice(11, 19)}]`;

/**
 * A line now and every `intervalMs` until `signal` aborts: which services are up and how many
 * spans the warehouse stored; with `pipeline`, each stage's records/s, lag and latency, no-fill
 * rate, dead letters, cost and ROAS (pipeline-view.ts), else each topic's end offset and growth;
 * then the caller's `lines`.
 * A broker that does not answer (starting, electing leaders, restarting) never ends the view:
 * it prints "waiting for the broker" and asks again with a fresh client next time. Rejects with
 * ServiceExited when one of `services` is no longer running.
 */
export async function runLiveView(
  services: readonly string[],
  signal: AbortSignal,
  options: { intervalMs?: number; pipeline?: boolean; lines?: () => readonly string[] } = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? 5000;
  let admin: Admin | undefined;
  // The pipeline's records, read committed from the first tick the broker answered on.
  let counter: RecordCounter | undefined;
  let last: Reading | undefined;
  try {
    while (!signal.aborted) {
      const gone = services.filter((s) => !serviceState(s).running);
      if (gone.length > 0) throw new ServiceExited(gone);
      try {
        admin ??= await connect();
        if (counter?.failure) {
          // kafkajs gave up on the reader: a new one next, counting from then (its counts are not
          // comparable with the old one's, so no rate this tick).
          print(`${clock()} records no longer counted (${describe(counter.failure)}); counting again`);
          await counter.stop();
          counter = undefined;
          last = undefined;
        }
        if (options.pipeline) counter ??= await startRecordCounter(kafka(), countedTopics());
        const ends = await topicCounts(admin);
        const records = new Map(counter?.counts());
        const now: Reading = { at: Date.now(), records, recordsAt: counter?.asOf() ?? 0, ends };
        const previous = last;
        last = now;
        if (signal.aborted) break;
        const detail = counter ? await pipelineLines(admin, now, previous) : [];
        if (signal.aborted) break;
        const offsets = counter ? '' : ` | ${endOffsetsText(now, previous)}`;
        print(
          [
            `${clock()} services up: ${await servicesUp(services)} | spans stored: ${await warehouseSpans()}${offsets}`,
            ...detail,
            ...(options.lines?.() ?? []),
          ].join('\n'),
        );
      } catch (err) {
        await admin?.disconnect().catch(() => {});
        admin = undefined;
        if (signal.aborted) break;
        print(`${clock()} waiting for the broker (${transientReason(err) ?? describe(err)})`);
      }
      await sleep(intervalMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    await counter?.stop();
    await admin?.disconnect().catch(() => {});
  }
}

/** Each topic's end offset and its growth per second since the last tick (the view without `pipeline`). */
function endOffsetsText(now: Reading, last: Reading | undefined): string {
  const topics = [...now.ends]
    .filter(([, n]) => n > 0)
    .map(([name, n]) => {
      const rate = last ? ((n - (last.ends.get(name) ?? 0)) * 1000) / (now.at - last.at) : 0;
      return `${name.replace(`${TOPIC_NAMESPACE}.`, '')} ${n} (+${rate.toFixed(1)}/s)`;
    });
  return topics.length > 0 ? `end offsets: ${topics.join(', ')}` : 'no messages yet';
}

// Few, short retries: a tick that waits long for a broker that is away tells nobody anything.
// (The record counter's consumer has retries of its own and restarts itself after an outage.)
const kafka = () =>
  new Kafka({
    clientId: 'adtrace-live',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 2, initialRetryTime: 200 },
  });

async function connect(): Promise<Admin> {
  const admin = kafka().admin();
  try {
    await admin.connect();
  } catch (err) {
    await admin.disconnect().catch(() => {});
    throw err;
  }
  return admin;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
