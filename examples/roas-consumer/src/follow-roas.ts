import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createRoasDecoder } from './roas-codec.ts';
import { RoasTable } from './roas-table.ts';

export interface FollowOptions {
  readonly brokers: readonly string[];
  /** adtrace.roas, or a test's topic. */
  readonly topic: string;
  /** The folder holding RoasWindow.avsc and history/ (the repository's schemas/). */
  readonly schemasDir: string;
  /** Called after each batch is applied (e.g. to save the table). */
  readonly onBatch?: (table: RoasTable) => void;
  /** Called when a rebuild's generation becomes the one shown. */
  readonly onSwitch?: (generation: number, table: RoasTable) => void;
}

export interface Following {
  readonly table: RoasTable;
  /** Records applied so far. */
  applied(): number;
  stop(): Promise<void>;
}

/**
 * Reads the topic from the beginning into a RoasTable, then follows it. The table lives in
 * memory, so every start reads from the beginning again (a group of its own, no committed
 * offsets): the topic keeps 30 days, and a table is only correct if it saw every revision of
 * every window it shows. A consumer that stores its table must commit offsets together with it.
 */
export async function followRoas(options: FollowOptions): Promise<Following> {
  const decode = createRoasDecoder(options.schemasDir);
  const table = new RoasTable();
  let applied = 0;
  const kafka = new Kafka({ clientId: 'roas-consumer', brokers: [...options.brokers], logLevel: logLevel.ERROR });
  // Default isolation is read_committed: aggregation writes in transactions, and an aborted
  // attempt's records (a crash mid-transaction) must never count.
  const consumer = kafka.consumer({ groupId: `roas-consumer-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (!message.value) continue;
        const switched = table.apply(decode(message.value));
        applied += 1;
        if (switched !== undefined) options.onSwitch?.(switched, table);
      }
      options.onBatch?.(table);
    },
  });
  return {
    table,
    applied: () => applied,
    async stop() {
      await consumer.disconnect();
    },
  };
}
