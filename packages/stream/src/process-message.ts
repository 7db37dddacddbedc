import { context } from '@opentelemetry/api';
import type { Stage } from './classify.ts';
import { parkMessage } from './dead-letter.ts';
import { RejectedError } from './errors.ts';
import { backOff, checkBreaker, judge, type MessageParts } from './failure.ts';
import { startAttempt } from './handler-context.ts';
import type { FetchedRecord } from './kafka/port.ts';
import { decodeValue, type OpenedMessage, openMessage, recordMeta } from './open-message.ts';
import type { Outbox } from './outbox.ts';
import { exceedsLimit } from './record-size.ts';
import { Writes } from './store.ts';
import type { Task } from './task.ts';
import type { Handler, InputSpec, InputSpecs, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopParts<I extends InputSpecs, O extends OutputSpecs, S extends StoreSpecs> extends MessageParts {
  /** Input topic → its name and spec. */
  readonly inputs: ReadonlyMap<string, { readonly name: string; readonly spec: InputSpec<unknown> }>;
  readonly outputs: O;
  readonly stores: S;
  readonly handler: Handler<I, O, S>;
  /** `max.message.bytes` of an output topic. */
  limitOf(topic: string): number;
}

export interface ChunkScope {
  readonly topic: string;
  readonly partition: number;
  readonly task: Task;
  readonly writes: Writes;
  readonly outbox: Outbox;
  /** Heartbeats during long retries; throws Abandon when the partition is being revoked. */
  keepAlive(): Promise<void>;
}

/**
 * One message, one trace: decode it, open its `process` span (open-message.ts), run the handler
 * inside it, and add its outputs — or its dead letter — to the chunk's outbox. The span stays
 * open: the chunk ends it once its phase's CPU is known. An output too large for its topic
 * dead-letters the message (it could never be written; retrying would loop forever).
 */
export async function processMessage<I extends InputSpecs, O extends OutputSpecs, S extends StoreSpecs>(
  hop: HopParts<I, O, S>,
  scope: ChunkScope,
  message: FetchedRecord,
): Promise<OpenedMessage> {
  const { topic, partition, task } = scope;
  const input = hop.inputs.get(topic)!;
  const meta = recordMeta(topic, partition, message);
  let decoded: { value: unknown } | undefined;
  let decodeError: unknown;
  const decode = () => {
    try {
      decoded = { value: decodeValue(input.spec, message, meta) };
    } catch (error) {
      decodeError = error;
    }
  };
  decode();
  const traceparent = decoded && input.spec.traceFrom?.(decoded.value, meta.headers);
  const opened = openMessage(hop, meta, message, { traceparent, cpuRate: task.cpuRate });
  const { span, processCtx, event } = opened;
  const attemptInput = {
    ...{ outputs: hop.outputs, stores: hop.stores, state: task.state, chunk: scope.writes, own: new Writes() },
    ...{ processCtx, span, inputKey: message.key, inputTimestamp: meta.timestamp, signal: hop.signal, event },
  };
  for (let attempt = 0; ; attempt++) {
    let stage: Stage = 'decode';
    try {
      if (!decoded) throw decodeError;
      stage = 'handle';
      const own = new Writes();
      const run = startAttempt(Object.assign(attemptInput, { own }));
      const consumed = { ...opened.meta, value: decoded.value, input: input.name } as Parameters<typeof hop.handler>[0];
      const returned = await context.with(processCtx, () => hop.handler(consumed, run.ctx));
      stage = 'encode';
      const records = run.records(returned ?? undefined);
      const big = records.find((r) => exceedsLimit(r.message, hop.limitOf(r.topic)));
      if (big) {
        const limit = hop.limitOf(big.topic);
        throw new RejectedError(
          'OUTPUT_TOO_LARGE',
          `an output to ${big.topic} exceeds its max.message.bytes (${limit})`,
        );
      }
      own.mergeInto(scope.writes);
      for (const r of records) scope.outbox.add(r);
      task.breaker.success();
      return opened;
    } catch (error) {
      const { verdict, again } = judge(hop, error, stage, attempt);
      if (again) {
        await backOff(hop, attempt, verdict, [span], scope.keepAlive);
        if (stage === 'decode') decode();
        continue;
      }
      checkBreaker(hop, task.breaker, verdict, stage, error);
      parkMessage(hop, opened, message, verdict, scope.outbox);
      return opened;
    }
  }
}
