// The aggregation as it runs (src/main.ts, its own process) SIGKILLed mid-stream and started
// again on the same group: its windows, revisions, late counts, spend and de-duplication come
// back from their changelogs and the committed offsets, and the final windows still equal the
// truth exactly; what the killed process had not committed is invisible to a read-committed
// consumer, so every window's revisions still count 0, 1, 2, … without a gap or a repeat.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyRoasRecord, currentRows, EMPTY_ROAS_TABLE } from '@adtrace/ads';
import { createCodec, RecordNames, type RoasWindow } from '@adtrace/schemas';
import { changelogTopic } from '@adtrace/stream';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { freePort } from '../../../test/support/ports.ts';
import { isSentinel, pick, produce, scenario } from './scenario.ts';

const PARTITIONS = 2;
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const roasCodec = createCodec(RecordNames.RoasWindow);
const { truth, stream, sentinels } = scenario(21, PARTITIONS);
const kafka = testKafka();

let topics: Awaited<
  ReturnType<typeof testTopics<'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'dlq'>>
>;
let group: string;
let producer: Producer;
let roas: RoasWindow[];
let committedAtKill: number;
const children: ChildProcess[] = [];
const outputs = new Map<ChildProcess, () => string>();

async function startChild(): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      KAFKA_BROKERS: testBrokers().join(','),
      AGGREGATION_GROUP: group,
      AGGREGATION_HEALTH_PORT: String(port),
      AGGREGATION_IDLE_MS: '3600000',
      // The killed member holds its partitions until its session expires: the restart waits that long.
      AGGREGATION_SESSION_TIMEOUT_MS: '10000',
      ...(process.env.ADTRACE_DEBUG && { ADTRACE_DEBUG: process.env.ADTRACE_DEBUG }),
      // Small chunks: many transactions, so the kill lands between (or inside) some of them.
      AGGREGATION_BATCH_SIZE: '25',
      AGGREGATION_EVENTS_TOPIC: topics.names.events,
      AGGREGATION_ROAS_TOPIC: topics.names.roas,
      AGGREGATION_SPEND_TOPIC: topics.names.spend,
      AGGREGATION_ALERTS_TOPIC: topics.names.alerts,
      AGGREGATION_LATE_TOPIC: topics.names.late,
      AGGREGATION_CAMPAIGNS_TOPIC: topics.names.campaigns,
      AGGREGATION_DEAD_LETTER_TOPIC: topics.names.dlq,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  child.stdout?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  children.push(child);
  outputs.set(child, () => err);
  await waitFor(
    'the aggregation process to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`aggregation exited ${child.exitCode}: ${err}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    // Joined, tables read, tasks fenced and restored: slow on a loaded machine.
    120_000,
  );
  return child;
}

const committed = () => committedCount(kafka, group, topics.names.events);

beforeAll(async () => {
  topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'dlq'], {
    partitions: PARTITIONS,
    compacted: ['spend', 'campaigns'],
  });
  group = uniqueGroupId('aggregation-restart');
  producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const first = await startChild();
  const half = Math.floor(stream.length / 2);
  await produce(producer, topics.names.events, stream.slice(0, half));
  await waitFor(
    'a third of the stream committed',
    async () => ((await committed()) >= half / 1.5 ? true : undefined),
    120_000,
  );
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  committedAtKill = await committed();
  // The rest arrives while it is down, then it comes back on the same group.
  await produce(producer, topics.names.events, stream.slice(half));
  await produce(producer, topics.names.events, sentinels, true);
  const second = await startChild();
  const total = stream.length + sentinels.length;
  await waitFor(
    `${total} events committed`,
    async () => {
      if (second.exitCode !== null) throw new Error(`aggregation exited ${second.exitCode}: ${outputs.get(second)!()}`);
      return (await committed()) >= total ? true : undefined;
    },
    240_000,
  ).catch(async (error: Error) => {
    const log = (c: ChildProcess) => outputs.get(c)!().slice(-2500);
    throw new Error(
      `${error.message} (committed ${await committed()}, ${committedAtKill} at the kill)\nfirst: ${log(first)}\nsecond: ${log(second)}`,
    );
  });
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));
  roas = (await drainTopic(kafka, topics.names.roas)).map((m) => roasCodec.decode(m.value!));
}, 400_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.disconnect();
  const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
  await topics?.admin.deleteTopics({ topics: stores.map((s) => changelogTopic(group, s)) }).catch(() => {});
  await topics?.cleanup();
});

// It failed about one run in five (3 of 14) while skipped: the broker's time retention (24 h)
// deleted this stream, stamped with event times days old, mid-test (now testTopics' topics keep
// everything), and kafkajs let a killed task's aborted roas revision through as committed
// (patches/kafkajs@2.2.4.patch; packages/stream/test/aborted-transactions.test.ts).
describe('aggregation after a SIGKILL mid-stream', () => {
  it('was killed with work left: part of the stream committed, not all of it', () => {
    expect(committedAtKill).toBeGreaterThan(0);
    expect(committedAtKill).toBeLessThan(stream.length + sentinels.length);
  });

  it('still ends with the truth, per campaign and window, and revisions without gaps or repeats', () => {
    const rows = currentRows(roas.reduce(applyRoasRecord, EMPTY_ROAS_TABLE)).filter((r) => !isSentinel(r.campaignId));
    expect(rows.map(pick)).toEqual(truth.windows.map(pick));
    expect(rows.every((r) => r.final)).toBe(true);
    const byWindow = new Map<string, number[]>();
    for (const r of roas) {
      const key = `${r.campaignId}|${r.windowStartMs}`;
      byWindow.set(key, [...(byWindow.get(key) ?? []), r.revision]);
    }
    for (const revisions of byWindow.values()) expect(revisions).toEqual(revisions.map((_, i) => i));
  });
});
