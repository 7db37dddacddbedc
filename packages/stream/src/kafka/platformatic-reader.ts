import { Consumer } from '@platformatic/kafka';
import { brokerAway } from './broker-away.ts';
import { portCall, toPortError } from './platformatic-errors.ts';
import { earliestOffsets, type FetchTarget, fetchRound } from './platformatic-fetch.ts';
import type { PortSettings, ReaderOptions, ReaderPort } from './port.ts';

/**
 * Reads topics from their beginning with no group at all (the client fetches any partition
 * without joining one): a consumer that never joins, positions of our own, read committed.
 */
export function platformaticReader(settings: PortSettings, options: ReaderOptions): ReaderPort {
  const consumer = new Consumer({
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.brokers],
    groupId: `adtrace-reader-${crypto.randomUUID()}`,
    retries: 5,
    retryDelay: 250,
  });
  let running = false;
  let loop: Promise<void> | undefined;

  async function run(targets: FetchTarget[]): Promise<void> {
    const positions = new Map(targets.map((t) => [`${t.topic}/${t.partition}`, t]));
    let failures = 0;
    while (running) {
      try {
        const round = await fetchRound(consumer, [...positions.values()], {
          maxWaitMs: options.maxWaitMs ?? 250,
          maxBytes: 16 << 20,
          maxBytesPerPartition: 4 << 20,
        });
        if (round.failed.length > 0 || round.outOfRange.length > 0) {
          throw round.failed[0] ?? new Error('fetch position out of range');
        }
        failures = 0;
        for (const p of round.partitions) {
          if (!running || p.next === undefined) continue;
          if (p.records.length > 0) options.onBatch(p.topic, p.partition, p.records);
          positions.set(`${p.topic}/${p.partition}`, { ...p, offset: p.next });
          options.onProgress(p.topic, p.partition, String(p.next - 1n));
        }
      } catch (error) {
        failures += 1;
        // A broker away (restarting, electing) is waited out, as the hop's own consumer does;
        // anything else that keeps failing is given up on.
        if (failures >= 20 && !brokerAway(toPortError(error))) {
          running = false;
          options.onCrash?.(error);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** failures)));
      }
    }
  }

  return {
    async start() {
      const metadata = await portCall(() => consumer.metadata({ topics: [...options.topics] }));
      const earliest = await portCall(() => earliestOffsets(consumer, options.topics));
      const targets: FetchTarget[] = [];
      for (const topic of options.topics) {
        const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
        for (let partition = 0; partition < count; partition++) {
          if (options.partitions && !options.partitions.has(partition)) continue;
          targets.push({ topic, partition, offset: earliest.get(topic)?.[partition] ?? 0n });
        }
      }
      running = true;
      loop = run(targets);
    },
    async close() {
      running = false;
      await loop;
      await consumer.close(true);
    },
  };
}
