// aggregation as users run it: `adtrace up aggregation` starts src/main.ts (telemetry preloaded)
// as a process, says started once /readyz answers, and the process closes a window from the
// events published before it started (revision 0) and publishes the campaign's spend; `down`
// leaves nothing running.
import { randomUUID } from 'node:crypto';
import { type AttributedEvent, createCodec, RecordNames } from '@adtrace/schemas';
import { exampleAttributedEvent } from '@adtrace/schemas/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { freePort, heldPorts, runCli, type Sandbox, sandbox } from '../../../test/cli/isolated-cli.ts';
import { testBrokers, testKafka, testTopics } from '../../../test/support/kafka.ts';

type Labels = 'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns';
let box: Sandbox | undefined;
let topics: Awaited<ReturnType<typeof testTopics<Labels>>> | undefined;
afterEach(async () => {
  await box?.dispose();
  await topics?.cleanup();
});

describe('adtrace up aggregation', () => {
  it('starts the process, ready; it emits a closed window and the spend; down stops it', async () => {
    topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns'], {
      compacted: ['spend', 'campaigns'],
    });
    const campaignId = `cmp-process-${randomUUID().slice(0, 8)}`;
    const t0 = Math.floor((Date.now() - 600_000) / 60_000) * 60_000;
    const impression = (n: number, eventTimeMs: number): AttributedEvent => ({
      ...exampleAttributedEvent,
      kind: 'IMPRESSION',
      eventId: `imp-${n}`,
      impressionId: `imp-${n}`,
      campaignId,
      touch: 'NONE',
      costMicros: 2_500,
      valueMicros: 0,
      pctr: 0.05,
      eventTimeMs,
    });
    const codec = createCodec(RecordNames.AttributedEvent);
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    // The second, two minutes later, moves stream time past the first one's window.
    await producer.send({
      topic: topics.names.events,
      messages: [impression(1, t0 + 1_000), impression(2, t0 + 121_000)].map((e) => ({
        key: campaignId,
        value: codec.encode(e),
        timestamp: String(e.eventTimeMs),
      })),
    });
    await producer.disconnect();

    box = await sandbox(testBrokers());
    const health = await freePort();
    Object.assign(box.env, {
      AGGREGATION_HEALTH_PORT: String(health),
      AGGREGATION_GROUP: `test-cli-aggregation-${randomUUID().slice(0, 8)}`,
      AGGREGATION_EVENTS_TOPIC: topics.names.events,
      AGGREGATION_ROAS_TOPIC: topics.names.roas,
      AGGREGATION_SPEND_TOPIC: topics.names.spend,
      AGGREGATION_ALERTS_TOPIC: topics.names.alerts,
      AGGREGATION_LATE_TOPIC: topics.names.late,
      AGGREGATION_CAMPAIGNS_TOPIC: topics.names.campaigns,
    });
    box.ports.push(health);
    const up = runCli(box, ['up', 'aggregation']);
    expect(await up.exited, up.output()).toBe(0);
    expect(up.output()).toMatch(/aggregation\s+started, ready/);
    expect((await fetch(`http://127.0.0.1:${health}/readyz`)).status).toBe(200);

    const roas = await waitFor(
      'the closed window',
      async () => {
        const found = await drainTopic(kafka, topics!.names.roas);
        return found.length > 0 ? found : undefined;
      },
      60_000,
    );
    const first = createCodec(RecordNames.RoasWindow).decode(roas[0]!.value!);
    expect(roas[0]!.key?.toString()).toBe(campaignId);
    expect(first).toMatchObject({
      campaignId,
      windowStartMs: t0,
      windowEndMs: t0 + 60_000,
      impressions: 1,
      spendMicros: 2_500,
      revision: 0,
      final: false,
      generation: 0,
    });
    const spend = (await drainTopic(kafka, topics.names.spend)).map((m) =>
      createCodec(RecordNames.CampaignSpend).decode(m.value!),
    );
    expect(spend.at(-1)).toMatchObject({ campaignId, totalSpendMicros: 5_000, impressions: 2 });

    const down = runCli(box, ['down']);
    expect(await down.exited, down.output()).toBe(0);
    expect(box.leftovers()).toEqual([]);
    expect(await heldPorts(box)).toEqual([]);
  });
});
