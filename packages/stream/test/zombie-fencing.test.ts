import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { type ChildHop, spawnHop, stopChild, waitReady } from './support/child.ts';
import { payloadCodec } from './support/codecs.ts';
import {
  committedCount,
  drainTopic,
  header,
  kafkaFor,
  makeInputs,
  produceInputs,
  waitFor,
} from './support/kafka-io.ts';

const KEYS = 6;

/**
 * The zombie: one of two exactly-once members is paused (SIGSTOP) mid-stream for longer than its
 * session timeout. The broker evicts it, the group rebalances, and the other member takes its
 * partitions, in a generation the paused member is not part of. Then the zombie is resumed
 * (SIGCONT) with its chunk still in hand: its commit must be refused (its offsets carry its old
 * generation) or never attempted, and it must rejoin and work on. Counted by event id over the
 * output topic read committed: nothing twice, nothing missing; the counting store's sequence per
 * key shows no update applied twice or lost.
 */
test('a member paused past its session is fenced: its chunk is never committed, and it rejoins cleanly', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 4 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('zombie');
  const inputs = makeInputs(1600, KEYS);
  const env = (instance: string) => ({
    KAFKA_BROKERS: testBrokers().join(','),
    HOP_NAME: group,
    HOP_CLIENT_ID: `${group}-${instance}`,
    HOP_INPUT: topics.names.in,
    HOP_OUTPUT: topics.names.out,
    HOP_MODE: 'exactly-once',
    HOP_BATCH_SIZE: '20',
    HOP_DELAY_MS: '3',
    HOP_SESSION_TIMEOUT_MS: '6000',
    HOP_STORE: 'count',
    HOP_DEAD_LETTER_TOPIC: topics.names.dlq,
  });
  const children: ChildHop[] = [];
  try {
    await produceInputs(kafka, topics.names.in, inputs.slice(0, 1000));
    const [zombie, survivor] = [spawnHop(env('a')), spawnHop(env('b'))];
    children.push(zombie, survivor);
    await Promise.all([waitReady(zombie), waitReady(survivor)]);
    await waitFor('progress on both members', async () =>
      (await committedCount(kafka, group, topics.names.in)) >= 200 ? true : undefined,
    );
    zombie.process.kill('SIGSTOP');
    const logAtPause = survivor.output().length;
    // The zombie's session expires; the survivor takes over all four partitions and goes on.
    await waitFor(
      'the survivor to own every partition',
      () => (/"partitions":\[0,1,2,3\]/.test(survivor.output().slice(logAtPause)) ? true : undefined),
      60_000,
    );
    // All of the first batch committed: the survivor finished the zombie's partitions too.
    await waitFor(
      'the survivor through the first inputs',
      async () => ((await committedCount(kafka, group, topics.names.in)) === 1000 ? true : undefined),
      120_000,
    );
    zombie.process.kill('SIGCONT');
    await produceInputs(kafka, topics.names.in, inputs.slice(1000));
    await waitFor(
      'every input committed',
      async () => ((await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined),
      120_000,
    );
    // The zombie rejoined: it is ready again, owning partitions in a later generation.
    await waitReady(zombie);
    expect(await stopChild(zombie, 'SIGTERM')).toBe(0);
    expect(await stopChild(survivor, 'SIGTERM')).toBe(0);

    const outputs = await drainTopic(kafka, topics.names.out);
    const ids = outputs.map((m) => header(m.headers, 'adtrace.event-id'));
    expect(new Set(ids).size).toBe(inputs.length); // nothing missing
    expect(outputs).toHaveLength(inputs.length); // nothing twice
    const countsByKey = new Map<string, number[]>();
    for (const m of outputs) {
      const key = m.key!.toString();
      countsByKey.set(key, [...(countsByKey.get(key) ?? []), payloadCodec.decode(m.value!).count!]);
    }
    for (const [key, counts] of countsByKey) {
      const n = inputs.filter((x) => x.key === key).length;
      expect(
        counts.sort((a, b) => a - b),
        key,
      ).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    // It rejoined after the pause: assigned again in a later generation.
    expect(zombie.output().match(/partitions assigned/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  } catch (error) {
    for (const [i, child] of children.entries()) console.error(`member ${i}:\n${child.output().slice(-6000)}`);
    throw error;
  } finally {
    for (const child of children) {
      child.process.kill('SIGCONT');
      await stopChild(child, 'SIGKILL');
    }
    await topics.admin.deleteTopics({ topics: [`${group}.counts.changelog`] }).catch(() => {});
    await topics.cleanup();
  }
}, 420_000);
