// The data commands as a user runs them (the CLI in a process of its own, on the real broker,
// writing to this test's topics through --topic), and what the pipeline makes of their output:
// ingest, started in-process with the secret the CLI used, keys the demo users' requests with
// exactly the keys `segments publish` gave their memberships.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import { parseTraceparent } from '@adtrace/producer';
import { type BidRequest, type Campaign, createCodec, RecordNames } from '@adtrace/schemas';
import { changelogTopic, type Hop } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngest, readEnv, toConfig } from '../../../services/ingest/src/index.ts';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { committedCount, drainTopic, waitFor } from '../../stream/test/support/kafka-io.ts';
import { generateLoad, type LoadTruth } from '../src/load/openrtb-load.ts';

const main = join(import.meta.dirname, '../src/main.ts');
const kafka = testKafka('data-commands-test');
const catalogText = readFileSync(DEMO_CATALOG_URL, 'utf8');
const catalog = parseNdjson<Campaign>(catalogText);
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
type Label = 'campaigns' | 'refused' | 'segments' | 'raw' | 'requests' | 'dlq' | 'quiet';
let topics: TestTopics<Label>;
let home: string;

async function cli(
  args: string[],
  timeout = 0,
): Promise<{ code: number; signal: string | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: testBrokers().join(','), ADTRACE_HOME: home };
  delete env.INGEST_USER_KEY_SECRET;
  delete env.INGEST_USER_KEY_SECRET_FILE;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, ...args], { env, timeout });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; signal: string | null; stdout: string; stderr: string };
    return { code: e.code, signal: e.signal ?? null, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'adtrace-data-'));
  topics = await testTopics(['campaigns', 'refused', 'segments', 'raw', 'requests', 'dlq', 'quiet'], {
    compacted: ['campaigns', 'refused', 'segments'],
  });
});

afterAll(async () => {
  await topics?.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe('adtrace campaigns publish', () => {
  it('publishes the demo catalog keyed by campaign id, each value the Avro Campaign of its line', async () => {
    const run = await cli(['campaigns', 'publish', '--topic', topics.names.campaigns]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/published 240 campaigns, \d+ ads, \d+ advertisers/);
    const messages = await drainTopic(kafka, topics.names.campaigns);
    expect(messages).toHaveLength(catalog.length);
    const codec = createCodec(RecordNames.Campaign);
    const byId = new Map(catalog.map((c) => [c.id, c]));
    for (const m of messages) expect(codec.decode(m.value!)).toEqual(byId.get(String(m.key)));
  });

  it('refuses a file with a bad campaign, naming its line and field, and publishes none of it', async () => {
    const lines = catalogText.split('\n').slice(0, 3);
    const bad = JSON.parse(lines[1]!) as Campaign;
    lines[1] = JSON.stringify({ ...bad, ads: [{ ...bad.ads[0]!, bidMicros: -5 }, ...bad.ads.slice(1)] });
    const file = join(home, 'bad-catalog.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await cli(['campaigns', 'publish', file, '--topic', topics.names.refused]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`line 2: campaign ${bad.id}: ads[0].bidMicros must be positive`);
    expect(await drainTopic(kafka, topics.names.refused)).toHaveLength(0);
  });
});

describe('adtrace load when the send fails', () => {
  it('exits with the error instead of running on with its trackers', async () => {
    // The trackers follow an existing impressions topic; the requests go to a topic that does not
    // exist (auto-creation is off), so the send fails after kafkajs's retries. The old code left
    // the trackers' consumer and timer running, and the process never exited.
    const started = Date.now();
    const load = await cli(
      [
        'load',
        '--events',
        '50',
        '--rate',
        '100',
        '--topic',
        `${topics.names.raw}-missing`,
        // A topic nothing writes to: the trackers follow it and have nothing to send.
        '--impressions-topic',
        topics.names.quiet,
        '--user-events-topic',
        topics.names.quiet,
      ],
      90_000,
    );
    expect(load.signal, `still running after ${Date.now() - started} ms`).toBeNull();
    expect(load.code).toBe(1);
    expect(load.stderr).toMatch(/adtrace load: .*(topic|partition)/i);
  }, 120_000);
});

describe('adtrace segments publish, adtrace load, and ingest', () => {
  const truthFile = () => join(home, 'truth.ndjson');
  const group = uniqueGroupId('ingest');
  let hop: Hop | undefined;
  afterAll(async () => {
    await hop?.stop();
    await topics.admin.deleteTopics({ topics: [changelogTopic(group, 'dedupe')] }).catch(() => {});
  });

  it('loads seeded OpenRTB keyed by request id, one new trace each; ingest keys demo users as segments did', async () => {
    const seg = await cli(['segments', 'publish', '--topic', topics.names.segments]);
    expect(seg.code, seg.stderr).toBe(0);
    // No secret in the environment: the CLI made the machine's own, where `up` gives it to ingest.
    const secretFile = join(home, 'secrets', 'ingest_user_key_secret');
    expect(existsSync(secretFile)).toBe(true);
    const segmentKeys = new Set((await drainTopic(kafka, topics.names.segments)).map((m) => String(m.key)));
    expect(segmentKeys.size).toBe(users.length);

    const events = 200;
    const load = await cli([
      'load',
      '--events',
      String(events),
      '--rate',
      '2000',
      '--seed',
      '11',
      '--truth',
      truthFile(),
      '--topic',
      topics.names.raw,
      // Requests only: no services serve them here, so there are no impressions to click.
      '--no-user-events',
    ]);
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout).toContain(`sent ${events} requests`);
    expect(load.stderr).toContain(`${events}/${events}  100%`);
    const truth = parseNdjson<LoadTruth & { traceId: string; record: string }>(
      readFileSync(truthFile(), 'utf8'),
    ).filter((t) => t.record === 'request');
    const raw = await drainTopic(kafka, topics.names.raw);
    expect(raw).toHaveLength(events);
    // Deterministic for a seed: exactly what the generator yields, keyed by request id.
    const expected = new Map([...generateLoad(users, 11, events)].map((e) => [e.request.id, e.request]));
    const traceOf = new Map(truth.map((t) => [t.requestId, t.traceId]));
    for (const m of raw) {
      expect(JSON.parse(m.value!.toString())).toEqual(expected.get(String(m.key)));
      const parent = parseTraceparent(String(m.headers?.traceparent));
      expect(parent?.traceId).toBe(traceOf.get(String(m.key)));
    }
    expect(new Set(truth.map((t) => t.traceId)).size).toBe(events);

    const env = readEnv({ INGEST_USER_KEY_SECRET_FILE: secretFile, KAFKA_BROKERS: testBrokers().join(',') });
    const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq } });
    hop = createIngest(config, { name: group, topics: { raw: topics.names.raw, requests: topics.names.requests } });
    await hop.start();
    await waitFor(
      'every record committed',
      async () => ((await committedCount(kafka, group, topics.names.raw)) >= events ? true : undefined),
      60_000,
    );
    const [requests, deadLetters] = await Promise.all([
      drainTopic(kafka, topics.names.requests),
      drainTopic(kafka, topics.names.dlq),
    ]);
    expect(deadLetters.map((d) => d.headers)).toEqual([]);
    expect(requests).toHaveLength(events);
    const codec = createCodec(RecordNames.BidRequest);
    const byId = new Map(truth.map((t) => [t.requestId, t]));
    let personalized = 0;
    for (const m of requests) {
      const request: BidRequest = codec.decode(m.value!);
      const t = byId.get(request.id)!;
      expect(request.test).toBe(t.test);
      if (t.userId !== null && !t.gdprWithoutConsent) {
        personalized++;
        expect(segmentKeys.has(String(m.key)), `${request.id} keyed ${String(m.key)}`).toBe(true);
      } else {
        expect(segmentKeys.has(String(m.key))).toBe(false);
      }
    }
    expect(personalized).toBeGreaterThan(100);
  });
});
