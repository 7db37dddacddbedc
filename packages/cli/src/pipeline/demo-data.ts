// The demo's data, as `adtrace campaigns publish` and `adtrace segments publish` send it: the
// shipped catalog and the demo users' segments under ingest's user keys, so the demo load's
// requests meet ads and profiles. Publishing again changes nothing (compacted topics, same keys).
import { readFileSync } from 'node:fs';
import { createUserKeyer, DEMO_CATALOG_URL, DEMO_USERS_URL } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { ingestUserKeySecret } from '../local-secrets.ts';
import { checkCampaigns } from '../publish/campaign-checks.ts';
import { publishRecords } from '../publish/publish-records.ts';
import { parseRecordFile } from '../publish/record-file.ts';
import { checkSegments } from '../publish/segment-records.ts';

export async function publishDemoData(kafka: Kafka): Promise<{ campaigns: number; users: number }> {
  const campaigns = checkCampaigns(parseRecordFile(readFileSync(DEMO_CATALOG_URL, 'utf8')));
  await publishRecords(
    kafka,
    Topics.campaigns,
    campaigns.map((c) => ({ key: c.campaign.id, value: c.value })),
  );
  const keyer = createUserKeyer(ingestUserKeySecret());
  const segments = checkSegments(parseRecordFile(readFileSync(DEMO_USERS_URL, 'utf8')), keyer);
  await publishRecords(kafka, Topics.segments, segments);
  return { campaigns: campaigns.length, users: segments.length };
}
