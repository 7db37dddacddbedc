import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createUserKeyer, DEMO_USERS_URL } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, print, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { ingestUserKeySecret } from '../local-secrets.ts';
import { publishRecords } from '../publish/publish-records.ts';
import { parseRecordFile } from '../publish/record-file.ts';
import { checkSegments } from '../publish/segment-records.ts';
import { BUILD_HELP, runBuild } from '../segments/build-command.ts';

export const segmentsCommand: Command = {
  name: 'segments',
  summary: 'build segments from the warehouse, or publish memberships, to adtrace.segments',
  help: `Usage: adtrace segments build <DEFINITIONS> [--dry-run] [--json] [--topic T]
       adtrace segments publish [FILE] [--dry-run] [--topic T]

${BUILD_HELP}

publish: publishes UserSegments records, keyed by user key, to the compacted ${Topics.segments}, which
profiling reads as a global table (records as they are; \`segments build\` computes them). FILE holds one
record per line (or a JSON array): a UserSegments with its userKey, or a demo user
{"userId", "segments": {segments, interests, ageBracket, embedding, builderVersion, updatedAtMs}}
whose key is made here exactly as ingest makes it — a keyed HMAC of the user id under ingest's
secret (INGEST_USER_KEY_SECRET or _FILE, else the machine's .adtrace/secrets file that
\`adtrace up\` gives ingest) — so the memberships meet that user's requests. Default FILE: the
demo users (packages/ads/data/demo-users.ndjson), the users \`adtrace load\` sends.

A bad record refuses the whole file, naming its line and field.

  --dry-run   check only
  --topic T   publish to T instead (tests, staging)`,
  async run(argv) {
    const [action, ...args] = argv;
    if (action === 'build') return runBuild(args);
    if (action !== 'publish')
      throw new UsageError(action ? `unknown action ${action}` : 'missing action: build or publish');
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean', default: false }, topic: { type: 'string' } },
    });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const file = positionals[0] ?? DEMO_USERS_URL;
    const keyer = createUserKeyer(ingestUserKeySecret());
    const checked = checkSegments(parseRecordFile(readFileSync(file, 'utf8')), keyer);
    if (values['dry-run']) {
      print(`${checked.length} users: valid (dry run, nothing published)`);
      return 0;
    }
    const topic = values.topic ?? Topics.segments;
    const kafka = new Kafka({ clientId: 'adtrace-segments', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    await publishRecords(kafka, topic, checked);
    print(`published segments of ${checked.length} users to ${topic}`);
    return 0;
  },
};
