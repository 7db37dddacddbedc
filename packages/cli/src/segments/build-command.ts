// `adtrace segments build <definitions>`: the segment build job as a command. Its spans go to
// the warehouse over OTLP like a service's (it starts the SDK itself: the CLI is not preloaded).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isBehaviourCriterion, LARGE_SEGMENT_CHANGE_PCT, needsCatalog, parseSegmentDefinitions } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { print, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { table } from '../views/format.ts';
import type { SegmentBuildResult } from './build-segments.ts';
import { membersFromApi, publishSegments, readCampaigns, readCurrentSegments } from './segments-io.ts';

export const BUILD_HELP = `build: evaluates each segment of DEFINITIONS (a JSON file, e.g. packages/ads/data/demo-segments.json)
over the user base, diffs it against the members ${Topics.segments} holds now, and publishes
every user whose memberships changed (UserSegments keyed by user key, a new builderVersion).
A definition: {"id", "name", "type": "behavioural" | "attribute", "criteria": [ … ]}, all of
which must hold:
  {"type": "impressions" | "clicks" | "conversions", "withinDays": N, "min": 1, "max": M}
                                        frequency (min/max) and recency (withinDays) of events
  {"type": "conversion_value", "withinDays": N, "minUsd": X, "maxUsd": Y}
    either limited by "campaigns": [ids], "advertisers": [ids], "categories": ["IAB20", …]
    (advertisers and categories through the catalog, ${Topics.campaigns}; one that matches
    no campaign refuses the build)
  {"type": "age_bracket", "in": ["AGE_25_34", …]}   {"type": "interests", "any": ["IAB20", …]}
Behaviour is counted in SQL by the warehouse service (impressions; clicks and conversions from
attributed_events through their impression); attributes come from the users' current records.
Segments the file does not define, and interests, age bracket and embedding, are kept as they
are. A segment whose members change by more than ${LARGE_SEGMENT_CHANGE_PCT} % is reported
(span event large_segment_change). A bad definition refuses the file, naming the field.
Spans ads.segment.build/evaluate_criteria/diff/publish go to OTEL_EXPORTER_OTLP_ENDPOINT
(default the warehouse service, which also answers the criteria: ADTRACE_WAREHOUSE_API).

  --dry-run            evaluate and diff, publish nothing
  --json               the result as JSON
  --topic T            read and publish T instead (tests, staging)
  --campaigns-topic T  read the catalog from T instead`;

export async function runBuild(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      topic: { type: 'string' },
      'campaigns-topic': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give one definitions file');
  const file = positionals[0]!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const definitions = parseSegmentDefinitions(parsed);
  const topic = values.topic ?? Topics.segments;
  // The SDK is loaded here, not at the CLI's start: every other command stays as quick to start.
  const { readEnv, shutdownTelemetry, telemetryHandle, toConfig } = await import('@adtrace/telemetry');
  const config = toConfig(readEnv({ OTEL_SERVICE_NAME: 'segment-builder', ...process.env }));
  const handle =
    config.disabled || telemetryHandle() ? undefined : (await import('@adtrace/telemetry/sdk')).startTelemetry(config);
  try {
    const brokers = kafkaBrokers();
    const kafka = new Kafka({ clientId: 'adtrace-segments-build', brokers, logLevel: logLevel.NOTHING });
    const behaviour = definitions.flatMap((d) => d.criteria.filter(isBehaviourCriterion));
    const catalogTopic = values['campaigns-topic'] ?? Topics.campaigns;
    const { buildSegments } = await import('./build-segments.ts');
    const result = await buildSegments(definitions, {
      members: membersFromApi,
      current: await readCurrentSegments(brokers, topic),
      ...(needsCatalog(behaviour) && { catalog: await readCampaigns(brokers, catalogTopic) }),
      topic,
      nowMs: Date.now(),
      ...(!values['dry-run'] && { publish: (records) => publishSegments(kafka, topic, records) }),
    });
    print(values.json ? JSON.stringify(result, null, 2) : summary(result, topic));
    return 0;
  } finally {
    if (handle) await shutdownTelemetry();
  }
}

function summary(result: SegmentBuildResult, topic: string): string {
  const rows = result.segments.map((s) => [
    s.id,
    s.type,
    String(s.size),
    String(s.previousSize),
    `+${s.diff.usersAdded}`,
    `-${s.diff.usersRemoved}`,
    `${s.diff.changePct.toFixed(1)} %${s.diff.large ? ' LARGE' : ''}`,
  ]);
  const what = result.published
    ? `published ${result.changedUsers} changed users to ${topic}`
    : `${result.changedUsers} users would change (dry run, nothing published)`;
  return `${table(['SEGMENT', 'TYPE', 'SIZE', 'BEFORE', 'ADDED', 'REMOVED', 'CHANGE'], rows, 'llrrrrr')}\n${what}; builder version ${result.builderVersion}`;
}
