import { context } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { Stage } from './classify.ts';
import { parkMessage } from './dead-letter.ts';
import { backOff, checkBreaker, judge, type MessageParts } from './failure.ts';
import { startAttempt } from './handler-context.ts';
import { decodeValue, openMessage } from './open-message.ts';
import type { Outbox } from './outbox.ts';
import { type PartitionState, Writes } from './store.ts';
import type { Handler, InputSpec, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopParts<In, O extends OutputSpecs, S extends StoreSpecs> extends MessageParts {
  readonly inputs: ReadonlyMap<string, InputSpec<In>>;
  readonly outputs: O;
  readonly stores: S;
  readonly handler: Handler<In, O, S>;
}

export interface ChunkScope {
  readonly topic: string;
  readonly partition: number;
  readonly state: PartitionState;
  readonly writes: Writes;
  readonly outbox: Outbox;
  /** Heartbeats during long retries; throws Abandon when the partition is being revoked. */
  keepAlive(): Promise<void>;
}

/**
 * One message, one trace: its `process` span (open-message.ts), the handler inside it, and its
 * outputs — or its dead letter — added to the chunk's outbox.
 */
export async function processMessage<In, O extends OutputSpecs, S extends StoreSpecs>(
  hop: HopParts<In, O, S>,
  scope: ChunkScope,
  message: KafkaMessage,
): Promise<void> {
  const { topic, partition } = scope;
  const opened = openMessage(hop, topic, partition, message);
  const { meta, span, processCtx, event } = opened;
  const attemptInput = {
    ...{ outputs: hop.outputs, stores: hop.stores, state: scope.state, chunk: scope.writes, own: new Writes() },
    ...{ processCtx, span, inputKey: message.key, signal: hop.signal, event },
  };
  try {
    for (let attempt = 0; ; attempt++) {
      let stage: Stage = 'decode';
      try {
        const value = decodeValue(hop.inputs.get(topic)!, message, meta);
        stage = 'handle';
        const own = new Writes();
        const run = startAttempt(Object.assign(attemptInput, { own }));
        const returned = await context.with(processCtx, () => hop.handler({ ...meta, value }, run.ctx));
        stage = 'encode';
        const records = run.records(returned ?? undefined);
        own.mergeInto(scope.writes);
        for (const r of records) scope.outbox.add(r);
        hop.breaker.success();
        return;
      } catch (error) {
        const { verdict, again } = judge(hop, error, stage, attempt);
        if (again) {
          await backOff(hop, attempt, verdict, [span], scope.keepAlive);
          continue;
        }
        checkBreaker(hop, verdict, stage, error);
        parkMessage(hop, opened, message, verdict, scope.outbox);
        return;
      }
    }
  } finally {
    span.end();
  }
}
