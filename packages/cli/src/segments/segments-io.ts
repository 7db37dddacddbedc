// What the segment build job reads and writes: the users' current records from the compacted
// segments topic (through the stream runtime's global table, read whole once), the changed
// records back to it, and behavioural members from the warehouse service's query API.
import { type Campaign, createCodec, RecordNames, type UserSegments } from '@adtrace/schemas';
import { kafkajsPort, openGlobalTable } from '@adtrace/stream';
import type { SegmentMembersQuery } from '@adtrace/warehouse';
import type { Kafka } from 'kafkajs';
import { publishRecords } from '../publish/publish-records.ts';
import { getJson } from '../views/warehouse-api.ts';

const codec = () => createCodec(RecordNames.UserSegments);

/** Every user's record as the compacted topic holds it now (latest per key, tombstones applied). */
export function readCurrentSegments(brokers: readonly string[], topic: string): Promise<Map<string, UserSegments>> {
  const decoder = codec();
  return readCompacted(brokers, topic, (bytes) => decoder.decode(bytes));
}

/** The campaign catalog (for criteria by advertiser or category). */
export async function readCampaigns(brokers: readonly string[], topic: string): Promise<Campaign[]> {
  const decoder = createCodec(RecordNames.Campaign);
  return [...(await readCompacted(brokers, topic, (bytes) => decoder.decode(bytes))).values()];
}

/** A compacted topic read whole once through the stream runtime's global table. */
async function readCompacted<V>(
  brokers: readonly string[],
  topic: string,
  decode: (bytes: Buffer) => V,
  catchUpTimeoutMs = 60_000,
): Promise<Map<string, V>> {
  const port = kafkajsPort({
    brokers,
    clientId: 'adtrace-segments-build',
    compression: 'none',
    log: (level, message, fields) => {
      if (level === 'warn' || level === 'error') process.stderr.write(`${message} ${JSON.stringify(fields ?? {})}\n`);
    },
  });
  const table = openGlobalTable(port, { topic, decode, log: () => {}, catchUpTimeoutMs });
  try {
    await table.caughtUp;
    return new Map(table.entries());
  } finally {
    await table.close();
  }
}

/** The changed records, keyed by user key (idempotent producer, acks = all). */
export async function publishSegments(kafka: Kafka, topic: string, records: readonly UserSegments[]): Promise<void> {
  const encoder = codec();
  await publishRecords(
    kafka,
    topic,
    records.map((r) => ({ key: r.userKey, value: encoder.encode(r) })),
  );
}

/** Behavioural members, evaluated in SQL by the warehouse service (GET /api/segment-members). */
export async function membersFromApi(query: SegmentMembersQuery): Promise<string[]> {
  const body = await getJson<{ members: string[] }>('segment-members', { query: JSON.stringify(query) });
  return body.members;
}
