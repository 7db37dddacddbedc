// profiling as users run it: `adtrace up profiling` starts src/main.ts (telemetry preloaded) as a
// process, says started once /readyz answers, and the process profiles a request from the
// segments published before it started; `down` leaves nothing running.
import { randomUUID } from 'node:crypto';
import { createCodec, RecordNames, type UserSegments } from '@adtrace/schemas';
import { exampleBidRequest, exampleUserSegments } from '@adtrace/schemas/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { freePort, heldPorts, runCli, type Sandbox, sandbox } from '../../../test/cli/isolated-cli.ts';
import { testBrokers, testKafka, testTopics } from '../../../test/support/kafka.ts';

let box: Sandbox | undefined;
let topics: Awaited<ReturnType<typeof testTopics<'requests' | 'profiled' | 'segments'>>> | undefined;
afterEach(async () => {
  await box?.dispose();
  await topics?.cleanup();
});

describe('adtrace up profiling', () => {
  it('starts the process, ready once the segments table caught up; it profiles a request; down stops it', async () => {
    topics = await testTopics(['requests', 'profiled', 'segments'], { compacted: ['segments'] });
    const userKey = `u1_process-${randomUUID().slice(0, 8)}`;
    const user: UserSegments = { ...exampleUserSegments, userKey, segments: ['seg-process'] };
    const request = { ...exampleBidRequest, eventId: `ev-${userKey}`, userKey };
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.names.segments,
      messages: [{ key: userKey, value: createCodec(RecordNames.UserSegments).encode(user) }],
    });
    await producer.send({
      topic: topics.names.requests,
      messages: [{ key: userKey, value: createCodec(RecordNames.BidRequest).encode(request) }],
    });
    await producer.disconnect();

    box = await sandbox(testBrokers());
    const health = await freePort();
    Object.assign(box.env, {
      PROFILING_HEALTH_PORT: String(health),
      PROFILING_GROUP: `test-cli-profiling-${randomUUID().slice(0, 8)}`,
      PROFILING_REQUESTS_TOPIC: topics.names.requests,
      PROFILING_PROFILED_TOPIC: topics.names.profiled,
      PROFILING_SEGMENTS_TOPIC: topics.names.segments,
    });
    box.ports.push(health);
    const up = runCli(box, ['up', 'profiling']);
    expect(await up.exited, up.output()).toBe(0);
    expect(up.output()).toMatch(/profiling\s+started, ready/);
    expect((await fetch(`http://127.0.0.1:${health}/readyz`)).status).toBe(200);

    const [out] = await waitFor(
      'the profiled request',
      async () => {
        const found = await drainTopic(kafka, topics!.names.profiled);
        return found.length > 0 ? found : undefined;
      },
      60_000,
    );
    const profiled = createCodec(RecordNames.ProfiledRequest).decode(out!.value!);
    expect(out!.key?.toString()).toBe(userKey);
    expect(profiled.request.eventId).toBe(request.eventId);
    expect(profiled.profile.segments).toEqual(['seg-process']);

    const down = runCli(box, ['down']);
    expect(await down.exited, down.output()).toBe(0);
    expect(box.leftovers()).toEqual([]);
    expect(await heldPorts(box)).toEqual([]);
  });
});
