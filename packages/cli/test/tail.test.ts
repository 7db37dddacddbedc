// `adtrace tail` as a user runs it (its own process, in the CLI sandbox) on the real broker:
// records written by the codecs, a raw JSON request, and dead letters made by the real stream
// runtime — one whose original value decodes, one whose bytes do not.
import { createCodec, RecordNames } from '@adtrace/schemas';
import { exampleBidRequest, exampleImpression, exampleOpenRtbRequest } from '@adtrace/schemas/testing';
import { createHop, type Hop, RejectedError, toConfig } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Sandbox, sandbox } from '../../../test/cli/isolated-cli.ts';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';

const kafka = testKafka('tail-test');
const bidRequests = createCodec(RecordNames.BidRequest);
const impressions = createCodec(RecordNames.Impression);
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const rejected = { ...exampleBidRequest, eventId: 'evt-rejected' };
const stage = uniqueGroupId('auction');
let topics: TestTopics<'records' | 'in' | 'dlq'>;
let box: Sandbox;
let hop: Hop | undefined;

interface Line {
  key: string | null;
  offset: string;
  headers: Record<string, string>;
  format: string;
  record?: string;
  value: unknown;
  error?: string;
  deadLetter?: Record<string, unknown>;
}

/** Runs `adtrace tail …` to its end; stdout's lines (parsed when --json) and the exit code. */
async function tail(...args: string[]): Promise<{ code: number; lines: string[]; stderr: string }> {
  const run = runCli(box, ['tail', ...args]);
  let stdout = '';
  run.child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  const code = await run.exited;
  return { code, lines: stdout.split('\n').filter(Boolean), stderr: run.output() };
}
const parsed = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

async function produce(topic: string, messages: { key: string; value: Buffer; headers?: Record<string, string> }[]) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function messagesOn(topic: string): Promise<number> {
  return (await topics.admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

beforeAll(async () => {
  topics = await testTopics(['records', 'in', 'dlq'], { partitions: 2 });
  box = await sandbox(testBrokers());
  await produce(topics.names.records, [
    {
      key: 'user-key-1',
      value: bidRequests.encode(exampleBidRequest),
      headers: { traceparent: TRACEPARENT, 'adtrace.event-id': exampleBidRequest.eventId },
    },
    { key: 'user-key-2', value: impressions.encode(exampleImpression) },
    { key: exampleOpenRtbRequest.id, value: Buffer.from(JSON.stringify(exampleOpenRtbRequest)) },
  ]);
  // Dead letters the way a service makes them: a hop that rejects one request and cannot decode
  // a truncated one.
  hop = createHop({
    name: stage,
    log: () => {},
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => bidRequests.decode(b) } },
    outputs: {},
    handler: (m) => {
      if (m.value.eventId === rejected.eventId)
        throw new RejectedError('NO_ELIGIBLE_CAMPAIGN', `no campaign targets ${m.value.eventId}`);
      return [];
    },
  });
  await produce(topics.names.in, [
    { key: 'user-key-3', value: bidRequests.encode(rejected), headers: { traceparent: TRACEPARENT } },
    { key: 'user-key-4', value: bidRequests.encode(exampleBidRequest).subarray(0, 20) },
  ]);
  await hop.start();
  while ((await messagesOn(topics.names.dlq)) < 2) await new Promise((r) => setTimeout(r, 100));
  await hop.stop();
});

afterAll(async () => {
  await hop?.stop();
  await box?.dispose();
  await topics?.cleanup();
});

describe('adtrace tail', () => {
  it('--from-beginning --json: Avro through the schemas, JSON passed through, headers as strings', async () => {
    const { code, lines } = await tail(topics.names.records, '--from-beginning', '--max', '3', '--json');
    expect(code).toBe(0);
    const byKey = new Map(parsed(lines).map((l) => [l.key, l]));
    expect(byKey.size).toBe(3);
    expect(byKey.get('user-key-1')).toMatchObject({
      format: 'avro',
      record: 'dev.adtrace.BidRequest',
      value: exampleBidRequest,
      headers: { traceparent: TRACEPARENT, 'adtrace.event-id': exampleBidRequest.eventId },
    });
    expect(byKey.get('user-key-2')).toMatchObject({ record: 'dev.adtrace.Impression', value: exampleImpression });
    expect(byKey.get(exampleOpenRtbRequest.id)).toMatchObject({ format: 'json', value: exampleOpenRtbRequest });
  });

  it('dead letters: stage, code and reason; the original value decoded when its bytes allow', async () => {
    const { code, lines } = await tail(topics.names.dlq, '--from-beginning', '--max', '2', '--json');
    expect(code).toBe(0);
    const byKey = new Map(parsed(lines).map((l) => [l.key, l]));
    expect(byKey.get('user-key-3')).toMatchObject({
      format: 'avro',
      value: rejected,
      deadLetter: {
        stage,
        code: 'NO_ELIGIBLE_CAMPAIGN',
        reason: expect.stringContaining('no campaign targets evt-rejected'),
        originalTopic: topics.names.in,
        originalPartition: expect.any(Number),
        originalOffset: expect.any(String),
      },
    });
    const truncated = byKey.get('user-key-4')!;
    expect(truncated).toMatchObject({ format: 'bytes', deadLetter: { stage, originalTopic: topics.names.in } });
    expect(truncated.deadLetter?.code).toBe(truncated.error?.split(':')[0]);
    expect(Buffer.from(truncated.value as string, 'base64')).toEqual(
      bidRequests.encode(exampleBidRequest).subarray(0, 20),
    );

    const text = await tail(topics.names.dlq, '--from-beginning', '--max', '2');
    expect(text.lines.join('\n')).toContain(`DEAD LETTER ${stage} NO_ELIGIBLE_CAMPAIGN: `);
  });

  it('--max bounds a run from the beginning', async () => {
    const { code, lines, stderr } = await tail(topics.names.records, '--from-beginning', '--max', '1', '--json');
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(stderr).toContain('1 record(s)');
  });

  it('without --from-beginning: starts at the end, follows, stops on Ctrl-C and leaves no group', async () => {
    const run = runCli(box, ['tail', topics.names.records, '--json']);
    let stdout = '';
    run.child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    await run.waitFor(/as group adtrace-tail-\w+; Ctrl-C stops/);
    const groupId = /as group (adtrace-tail-\w+)/.exec(run.output())![1]!;
    await produce(topics.names.records, [
      { key: 'new-1', value: bidRequests.encode({ ...exampleBidRequest, eventId: 'evt-new-1' }) },
      { key: 'new-2', value: Buffer.from('{"id":"new-2"}') },
    ]);
    while (stdout.split('\n').filter(Boolean).length < 2) {
      if (run.child.exitCode !== null) throw new Error(run.output());
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    const lines = parsed(stdout.split('\n').filter(Boolean));
    expect(lines.map((l) => l.key).sort()).toEqual(['new-1', 'new-2']);
    expect(run.output()).toContain('2 record(s), stopped');
    const { groups } = await topics.admin.describeGroups([groupId]);
    expect(groups[0]?.state).toBe('Dead');
  });

  it('an unknown topic exits 1 naming it; a bad --max is a usage error', async () => {
    const missing = await tail('test.no-such-topic');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no topic test.no-such-topic');
    const bad = await tail(topics.names.records, '--max', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max must be a non-negative integer');
  });
});
