import { topicSpecs } from '@adtrace/schemas';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { print } from './command.ts';
import { kafkaBrokers } from './kafka-env.ts';
import { listServices, serviceState } from './services.ts';

/** Messages on each pipeline topic: the sum of its partitions' end offsets. */
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

async function warehouseSpans(): Promise<string> {
  const url = `${process.env.ADTRACE_WAREHOUSE_API ?? 'http://127.0.0.1:8686'}/api/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { spans?: { spansInserted?: number } };
    return String(body.spans?.spansInserted ?? '?');
  } catch {
    return 'unreachable';
  }
}

/**
 * A line every `intervalMs` while the pipeline runs: which services are up, how many messages
 * each topic holds and how fast it grew, and how many spans the warehouse has stored.
 * Returns a function that stops it.
 */
export async function startLiveView(intervalMs = 5000): Promise<() => Promise<void>> {
  const admin = new Kafka({ clientId: 'adtrace-live', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let last = await topicCounts(admin);
  const tick = async (): Promise<void> => {
    const now = await topicCounts(admin);
    const topics = [...now]
      .filter(([, n]) => n > 0)
      .map(
        ([name, n]) => `${name.replace('adtrace.', '')} ${n} (+${((n - (last.get(name) ?? 0)) * 1000) / intervalMs}/s)`,
      );
    last = now;
    const up = listServices().filter((s) => serviceState(s).running);
    print(
      `[${new Date().toISOString().slice(11, 19)}] services up: ${up.join(', ') || 'none'} | ` +
        `spans stored: ${await warehouseSpans()} | ${topics.join(', ') || 'no messages yet'}`,
    );
  };
  const timer = setInterval(() => void tick().catch((err: unknown) => print(`live view: ${String(err)}`)), intervalMs);
  return async () => {
    clearInterval(timer);
    await admin.disconnect();
  };
}
