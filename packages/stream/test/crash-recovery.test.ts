import { describe, expect, test } from 'vitest';
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

const TOTAL = 1500;
const KEYS = 10;

/**
 * A hop process is SIGKILLed mid-stream (no shutdown at all), then a new one starts in the same
 * group. The handler counts messages per key in a state store, so exactly-once also covers the
 * store: after the crash, each key's counts must continue without a gap or a repeat.
 */
describe.each(['at-least-once', 'exactly-once'] as const)('a hop killed mid-stream and restarted, %s', (mode) => {
  test(
    mode === 'at-least-once' ? 'loses nothing' : 'loses nothing and duplicates nothing, outputs and store alike',
    async () => {
      const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 3 });
      const kafka = kafkaFor(testBrokers());
      const group = uniqueGroupId(`kill-${mode}`);
      const inputs = makeInputs(TOTAL, KEYS);
      await produceInputs(kafka, topics.names.in, inputs);
      const env = {
        KAFKA_BROKERS: testBrokers().join(','),
        HOP_NAME: group,
        HOP_INPUT: topics.names.in,
        HOP_OUTPUT: topics.names.out,
        HOP_MODE: mode,
        HOP_BATCH_SIZE: '20',
        HOP_DELAY_MS: '2',
        // The killed member's session must expire before the group rebalances to the new one.
        HOP_SESSION_TIMEOUT_MS: '6000',
        // State needs exactly-once (at-least-once would apply a redelivered message twice).
        HOP_STORE: mode === 'exactly-once' ? 'count' : '',
        HOP_DEAD_LETTER_TOPIC: topics.names.dlq,
      };
      const children: ChildHop[] = [];
      try {
        const first = spawnHop(env);
        children.push(first);
        await waitReady(first);
        await waitFor('some committed progress', async () =>
          (await committedCount(kafka, group, topics.names.in)) >= 200 ? true : undefined,
        );
        await stopChild(first, 'SIGKILL');
        const atKill = await committedCount(kafka, group, topics.names.in);
        expect(atKill).toBeLessThan(TOTAL); // the kill really was mid-stream

        const second = spawnHop(env);
        children.push(second);
        await waitReady(second);
        await waitFor(
          'every input committed',
          async () => ((await committedCount(kafka, group, topics.names.in)) === TOTAL ? true : undefined),
          90_000,
        );
        expect(await stopChild(second, 'SIGTERM')).toBe(0);

        // Read committed, the outputs after the killed member's open transaction are readable only
        // once its coordinator aborts it, at its timeout (10 s): without ADTRACE_INSTANCE_ID (a
        // replaced pod) the member's transactional id is its own, so the new member does not fence
        // it (restarted in place under the same instance id it would: restart-in-place.test.ts).
        // Until then a drain ends at the open transaction (the last stable offset) — outputs held
        // back, not lost.
        const idsOf = (outputs: Awaited<ReturnType<typeof drainTopic>>) =>
          outputs.map((m) => header(m.headers, 'adtrace.event-id'));
        const outputs = await waitFor(
          'every output readable',
          async () => {
            const drained = await drainTopic(kafka, topics.names.out);
            return new Set(idsOf(drained)).size >= TOTAL ? drained : undefined;
          },
          30_000,
        ).catch(async () => drainTopic(kafka, topics.names.out));
        expect(new Set(idsOf(outputs)).size).toBe(TOTAL); // nothing lost
        if (mode === 'exactly-once') {
          expect(outputs).toHaveLength(TOTAL); // nothing twice, read committed
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
        }
      } finally {
        for (const child of children) await stopChild(child, 'SIGKILL');
        await topics.admin.deleteTopics({ topics: [`${group}.counts.changelog`] }).catch(() => {});
        await topics.cleanup();
      }
    },
  );
});
