import { parseArgs } from 'node:util';
import { Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, print, UsageError } from '../command.ts';
import { replayDeadLetters } from '../dlq-replay.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { clip, table } from '../views/format.ts';
import { getJson } from '../views/warehouse-api.ts';

interface DeadLetterJson {
  readonly reason: string | null;
  readonly code: string | null;
  readonly stage: string | null;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  readonly deadLetteredAtMs: number | null;
  readonly eventId: string | null;
}

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'dead letters with their reasons; replay them after a fix',
  help: `Usage: adtrace dlq list [--limit N] [--json]
       adtrace dlq replay [--stage S] [--code C] [--topic T] [--since ISO-TIME]
                          [--dead-letter-topic T]... [--dry-run] [--json]

Lists dead letters, newest first: when, the stage that gave up, the code and reason, where the
message came from (topic, partition, offset) and its event id when known.

  --json   {"deadLetters": [{"reason", "code", "errorClass", "stage", "originalTopic",
           "originalPartition", "originalOffset", "eventId", "traceId", …}]}

list reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).

replay reads both dead-letter topics from Kafka — ${Topics.deadLettersRaw} (the raw topics'
letters: ingest's invalid bid requests, e.g. UNKNOWN_CURRENCY, tracking's forged or expired
clicks) and ${Topics.deadLetters} — and sends the matching letters back to the topics they came
from, with their original key, value, headers and timestamp — traceparent included, so the retry
joins the event's trace; the timestamp keeps its event time, so a bid request replayed late is
a TIMEOUT no-fill, never a late impression — plus adtrace.replay-of naming the dead letter (its
topic/partition@offset).
Filters, on both topics: --stage (the service that gave up), --code, --topic (the original
topic), --since (dead-lettered at or after). --dead-letter-topic T (repeatable) reads only T.
Replaying twice sends twice; consumers de-duplicate by event id. --dry-run lists without sending.`,
  async run(argv) {
    const [action, ...args] = argv;
    if (action === 'replay') return replay(args);
    if (action !== 'list') throw new UsageError(action ? `unknown action ${action}` : 'missing action: list or replay');
    const json = args.includes('--json');
    const rest = args.filter((a) => a !== '--json');
    let limit = 50;
    if (rest[0] === '--limit') {
      limit = Number(rest[1]);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit must be a positive integer, got ${rest[1]}`);
      rest.splice(0, 2);
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    const body = await getJson<{ deadLetters: DeadLetterJson[] }>('dead-letters', { limit });
    if (json) {
      print(JSON.stringify(body, null, 2));
      return 0;
    }
    if (body.deadLetters.length === 0) {
      print('no dead letters');
      return 0;
    }
    const rows = body.deadLetters.map((d) => [
      d.deadLetteredAtMs === null ? '' : new Date(d.deadLetteredAtMs).toISOString().replace('T', ' ').slice(0, 19),
      d.stage ?? '',
      d.code ?? '',
      `${d.originalTopic ?? '?'}[${d.originalPartition ?? '?'}]@${d.originalOffset ?? '?'}`,
      d.eventId ?? '',
      clip(d.reason ?? '', 70),
    ]);
    print(table(['WHEN (UTC)', 'STAGE', 'CODE', 'FROM', 'EVENT', 'REASON'], rows, 'llllll'));
    return 0;
  },
};

async function replay(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stage: { type: 'string' },
      code: { type: 'string' },
      topic: { type: 'string' },
      since: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      // Repeatable: restricts replay to these dead-letter topics (default both, raw and regular).
      'dead-letter-topic': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const sinceMs = values.since === undefined ? undefined : Date.parse(values.since);
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    throw new UsageError(`--since must be an ISO time, got ${values.since}`);
  const kafka = new Kafka({ clientId: 'adtrace-dlq-replay', brokers: kafkaBrokers(), logLevel: logLevel.ERROR });
  const letters = await replayDeadLetters(kafka, {
    filter: {
      ...(values.stage && { stage: values.stage }),
      ...(values.code && { code: values.code }),
      ...(values.topic && { originalTopic: values.topic }),
      ...(sinceMs !== undefined && { sinceMs }),
    },
    ...(values['dead-letter-topic'] && { deadLetterTopics: values['dead-letter-topic'] }),
    dryRun: values['dry-run'],
  });
  if (values.json) {
    print(JSON.stringify({ replayed: values['dry-run'] ? 0 : letters.length, letters }, null, 2));
    return 0;
  }
  for (const l of letters)
    print(`${l.deadLetter} → ${l.originalTopic}  ${l.stage ?? ''} ${l.code ?? ''} ${l.eventId ?? ''}`);
  print(`${letters.length} dead letter(s) ${values['dry-run'] ? 'would be replayed (dry run)' : 'replayed'}`);
  return 0;
}
