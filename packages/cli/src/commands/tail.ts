import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, info, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { ValueDecoder } from '../tail/decode-value.ts';
import { followTopic } from '../tail/follow-topic.ts';
import { humanLine, stringifyLine, toTailLine } from '../tail/tail-line.ts';

export const tailCommand: Command = {
  name: 'tail',
  summary: 'decode any topic to one line per record (Avro by schema, JSON, dead letters with reasons)',
  help: `Usage: adtrace tail <topic> [--from-beginning] [--max N] [--json]

A schema-aware console consumer: one line per record, Avro values decoded through the schemas
(the single-object header names the writer schema; older versions read into the current one),
JSON passed through (the raw topics' OpenRTB requests and tracker events), headers shown as
strings. A dead letter shows the stage that gave up, its code and reason, where it came from,
and its original value decoded by the original topic's schema when the bytes allow; bytes that
do not decode are shown in base64 with the codec's error.

Without --from-beginning it starts at the end of each partition and follows new records. It
stops after --max records, or on Ctrl-C (exit 0), and leaves no consumer group behind.

  --from-beginning   start at each partition's earliest record
  --max N            stop after N records
  --json             one JSON object per line: {"topic", "partition", "offset", "timestamp",
                     "key", "keyEncoding"?, "headers", "format" (avro|json|text|bytes|null),
                     "record"?, "value", "error"?, "deadLetter"? {"reason", "code",
                     "errorClass", "stage", "originalTopic", "originalPartition",
                     "originalOffset", "originalTimestamp", "deadLetteredAt"}, "late"?}

Without --json each line is: time topic[partition]@offset key=… what (the record, or DEAD
LETTER stage code: reason) value-as-JSON  headers. Progress goes to stderr, records to stdout.
Brokers: KAFKA_BROKERS, else the local broker.`,
  async run(args) {
    const { values, positionals } = parse(args);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing topic' : 'give one topic');
    const topic = positionals[0]!;
    const max = values.max === undefined ? undefined : Number(values.max);
    if (max !== undefined && (!Number.isInteger(max) || max < 0))
      throw new UsageError(`--max must be a non-negative integer, got ${values.max}`);

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const s of signals) process.on(s, onSignal);
    // A closed pipe (| head) ends the tail like Ctrl-C does.
    const onPipeError = (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? stop.abort() : undefined);
    process.stdout.on('error', onPipeError);
    const decoder = new ValueDecoder();
    const kafka = new Kafka({ clientId: 'adtrace-tail', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    try {
      const count = await followTopic(kafka, {
        topic,
        fromBeginning: values['from-beginning'],
        ...(max !== undefined && { max }),
        signal: stop.signal,
        onReady: (partitions, groupId) =>
          info(
            `tailing ${topic} (${partitions} partitions) from the ${values['from-beginning'] ? 'beginning' : 'end'}${max !== undefined ? `, at most ${max} records` : ''} as group ${groupId}; Ctrl-C stops`,
          ),
        onRecord(record) {
          const line = toTailLine(record, decoder);
          process.stdout.write(`${values.json ? stringifyLine(line) : humanLine(line)}\n`);
        },
      });
      info(`${count} record(s)${stop.signal.aborted ? ', stopped' : ''}`);
      return 0;
    } finally {
      for (const s of signals) process.off(s, onSignal);
      process.stdout.off('error', onPipeError);
    }
  },
};

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        'from-beginning': { type: 'boolean', default: false },
        max: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
