import { context, isSpanContextValid, type SpanContext, trace } from '@opentelemetry/api';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import {
  changelogTopic,
  createHop,
  type Hop,
  jsonStore,
  LateHeaders,
  type Log,
  startFanInSpan,
  toConfig,
} from '../src/index.ts';
import { drainTopic, header, kafkaFor, waitFor } from './support/kafka-io.ts';
import { byId } from './support/spans.ts';
import { registerTestTracing, type TestTracing } from './support/tracing.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

interface Click {
  readonly id: string;
  readonly campaign: string;
}
interface Count {
  readonly n: number;
  /** Span contexts of the events counted (bounded): the flush links to them. */
  readonly links: readonly SpanContext[];
}
interface Flushed {
  readonly campaign: string;
  readonly start: number;
  readonly type: string;
  readonly n: number;
}

let tracing: TestTracing;
beforeAll(() => {
  tracing = registerTestTracing();
});
afterAll(async () => {
  await tracing.shutdown();
});

/**
 * Event time end to end, on one partition: tumbling windows of 1 s with 0.5 s of grace, counted
 * per campaign, each event's span context kept for the flush's links.
 * - The first batch holds windows W0 and W1; W0 closes (and is final) when the chunk's stream
 *   time passes it. W1 has no later record to close it: the idle policy advances stream time
 *   with the wall clock once the partition is quiet for `idleMs`, and a timer-driven tick closes it.
 * - A restarted instance restores the stream time committed with the offsets and the window
 *   changelog: nothing is emitted twice.
 * - A record later than W0's end + grace is counted and sent to the late topic as it came,
 *   never silently dropped; a duplicate id is dropped and counted.
 * - Each final window is flushed under its own root span with links to its events (fan-in).
 */
test('windows close on an idle partition, survive a restart with their stream time, and late records go aside', async () => {
  const topics = await testTopics(['clicks', 'counts', 'late', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('event-time');
  const tracer = trace.getTracer('event-time-test');
  const W = 1000;
  const t0 = Math.floor(Date.now() / W) * W - 8 * W;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const send = (records: { id: string; campaign: string; ts: number }[]) =>
    producer.send({
      topic: topics.names.clicks,
      messages: records.map((r) => ({
        key: r.campaign,
        value: JSON.stringify({ id: r.id, campaign: r.campaign }),
        timestamp: String(r.ts),
        headers: { traceparent: `00-${'a'.repeat(31)}${r.id.length % 10}-${'b'.repeat(15)}1-01` },
      })),
    });
  const makeHop = () =>
    createHop({
      name: group,
      mode: 'exactly-once',
      log,
      config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 100, idleMs: 500 }),
      inputs: { clicks: { topic: topics.names.clicks, decode: (b: Buffer) => JSON.parse(b.toString()) as Click } },
      outputs: {
        counts: { topic: topics.names.counts, encode: (v: Flushed) => Buffer.from(JSON.stringify(v)) },
      },
      windows: {
        clicks: {
          sizeMs: W,
          graceMs: W / 2,
          codec: jsonStore<Count>(),
        },
      },
      dedupe: { key: (m) => m.value.id, ttlMs: 60_000 },
      lateTopic: topics.names.late,
      handler: (m, ctx) => {
        ctx.window('clicks').update(m.value.campaign, m.timestamp, (c: Count | undefined) => ({
          n: (c?.n ?? 0) + 1,
          links: [...(c?.links ?? []), ctx.span.spanContext()].slice(0, 10),
        }));
      },
      onWindow: (e, ctx) => {
        const value = e.value as Count;
        const flushed = { campaign: e.key, start: e.start, type: e.type, n: value.n };
        if (e.type !== 'final') return [{ to: 'counts', key: e.key, value: flushed }];
        const span = startFanInSpan(tracer, 'ads.aggregate.flush', value.links.filter(isSpanContextValid));
        context.with(trace.setSpan(context.active(), span), () =>
          ctx.emit({ to: 'counts', key: e.key, value: flushed }),
        );
        span.end();
      },
    });
  const flushed = async () =>
    (await drainTopic(kafka, topics.names.counts)).map((m) => JSON.parse(m.value!.toString()) as Flushed);
  const hops: Hop[] = [];
  try {
    // W0: 3 clicks of a, 2 of b (one of them sent twice); W1: 2 clicks of a.
    await send([
      { id: 'a1', campaign: 'a', ts: t0 + 100 },
      { id: 'a2', campaign: 'a', ts: t0 + 200 },
      { id: 'b1', campaign: 'b', ts: t0 + 300 },
      { id: 'b1', campaign: 'b', ts: t0 + 300 },
      { id: 'a3', campaign: 'a', ts: t0 + 900 },
      { id: 'b2', campaign: 'b', ts: t0 + 950 },
      { id: 'a4', campaign: 'a', ts: t0 + W + 10 },
      { id: 'a5', campaign: 'a', ts: t0 + W + 20 },
    ]);
    hops.push(makeHop());
    await hops[0]!.start();
    // W1 needs no new record: the idle tick moves stream time past its end + grace.
    const expected = [
      { campaign: 'a', start: t0, type: 'closed', n: 3 },
      { campaign: 'a', start: t0, type: 'final', n: 3 },
      { campaign: 'b', start: t0, type: 'closed', n: 2 },
      { campaign: 'b', start: t0, type: 'final', n: 2 },
      { campaign: 'a', start: t0 + W, type: 'closed', n: 2 },
      { campaign: 'a', start: t0 + W, type: 'final', n: 2 },
    ];
    const sorted = (xs: Flushed[]) =>
      [...xs].sort((x, y) => x.start - y.start || x.campaign.localeCompare(y.campaign) || x.type.localeCompare(y.type));
    await waitFor('W1 closed by the idle tick', async () => ((await flushed()).length >= 6 ? true : undefined), 30_000);
    expect(sorted(await flushed())).toEqual(sorted(expected));
    await hops[0]!.stop();

    // A new instance: stream time and windows restored; a late click for W0 goes aside.
    hops.push(makeHop());
    await hops[1]!.start();
    await send([{ id: 'late1', campaign: 'a', ts: t0 + 500 }]);
    const late = await waitFor('the late click on the late topic', async () => {
      const got = await drainTopic(kafka, topics.names.late);
      return got.length > 0 ? got : undefined;
    });
    await hops[1]!.stop();
    expect(late).toHaveLength(1);
    expect(JSON.parse(late[0]!.value!.toString())).toEqual({ id: 'late1', campaign: 'a' });
    expect(header(late[0]!.headers, LateHeaders.originalTopic)).toBe(topics.names.clicks);
    expect(Number(header(late[0]!.headers, LateHeaders.streamTime))).toBeGreaterThanOrEqual(t0 + W + W / 2);
    expect(sorted(await flushed())).toEqual(sorted(expected)); // nothing emitted twice after the restart

    // The duplicate was dropped and marked; each flush is a root with links to its events.
    const spans = tracing.spans();
    expect(spans.filter((s) => s.events.includes('adtrace.duplicate'))).toHaveLength(1);
    const flushes = spans.filter((s) => s.name === 'ads.aggregate.flush');
    expect(flushes).toHaveLength(3);
    for (const f of flushes) {
      expect(f.parentSpanId).toBeUndefined();
      expect(f.links.length).toBeGreaterThanOrEqual(2);
      expect(f.attributes['adtrace.links.total']).toBe(f.links.length);
    }
    const ids = byId(spans);
    const sends = spans.filter((s) => s.name === `send ${topics.names.counts}` && ids.has(s.parentSpanId ?? ''));
    expect(sends.filter((s) => ids.get(s.parentSpanId!)!.name === 'ads.aggregate.flush')).toHaveLength(3);
  } finally {
    for (const hop of hops) await hop.stop();
    await producer.disconnect();
    await topics.admin
      .deleteTopics({ topics: [changelogTopic(group, 'window-clicks'), changelogTopic(group, 'dedupe')] })
      .catch(() => {});
    await topics.cleanup();
    tracing.reset();
  }
}, 120_000);
