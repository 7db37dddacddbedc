import { type Command, print, UsageError } from '../command.ts';
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
  summary: 'dead letters with their reasons',
  help: `Usage: adtrace dlq list [--limit N] [--json]

Lists dead letters, newest first: when, the stage that gave up, the code and reason, where the
message came from (topic, partition, offset) and its event id when known.

  --json   {"deadLetters": [{"reason", "code", "errorClass", "stage", "originalTopic",
           "originalPartition", "originalOffset", "eventId", "traceId", …}]}

Reads the warehouse service's query API: ADTRACE_WAREHOUSE_API (default http://127.0.0.1:8686).`,
  async run(argv) {
    const [action, ...args] = argv;
    if (action !== 'list') throw new UsageError(action ? `unknown action ${action}` : 'missing action: list');
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
