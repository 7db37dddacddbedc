import { CompressionTypes, type Kafka } from 'kafkajs';

export interface KeyedRecord {
  readonly key: string;
  readonly value: Buffer;
}

/** Bytes of records per produce request: well under the broker's default message.max.bytes (1 MiB), which bounds a batch. */
const MAX_BATCH_BYTES = 512 * 1024;

/**
 * Sends keyed records to a (compacted) topic: idempotent, acks = all, in batches of at most
 * MAX_BATCH_BYTES so a catalog of thousands of ads is a few requests — by bytes, not by count:
 * 200 demo campaigns with their ads' embeddings are 1.4 MB, more than a broker takes in one batch.
 * Compaction keeps the latest value per key, so publishing the same file twice changes nothing
 * the services see.
 */
export async function publishRecords(kafka: Kafka, topic: string, records: readonly KeyedRecord[]): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const batch of batchesOf(records, MAX_BATCH_BYTES)) {
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: [...batch] });
    }
    return records.length;
  } finally {
    await producer.disconnect();
  }
}

/** Consecutive batches of at most `maxBytes` of keys and values (a larger record goes alone). */
export function batchesOf(records: readonly KeyedRecord[], maxBytes: number): KeyedRecord[][] {
  const batches: KeyedRecord[][] = [];
  let batch: KeyedRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.key.length + r.value.length;
    if (batch.length > 0 && bytes + size > maxBytes) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(r);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
