import { context, propagation, ROOT_CONTEXT, type Tracer, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { backoffDelay, sleep } from './backoff.ts';
import { bufferGetter, findHeader } from './carrier.ts';
import { classify, type Stage } from './classify.ts';
import type { StreamConfig } from './config.ts';
import { Abandon, type FailureBreaker } from './control.ts';
import { deadLetterRecord } from './dead-letter.ts';
import { HopCrashedError, RejectedError } from './errors.ts';
import { withEventId } from './event-context.ts';
import { startAttempt } from './handler-context.ts';
import { Headers } from './headers.ts';
import type { Outbox } from './outbox.ts';
import { markDeadLettered, startProcessSpan } from './spans.ts';
import { type PartitionState, Writes } from './store.ts';
import type { Handler, InputSpec, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopParts<In, O extends OutputSpecs, S extends StoreSpecs> {
  readonly name: string;
  readonly clientId: string;
  readonly tracer: Tracer;
  readonly inputs: ReadonlyMap<string, InputSpec<In>>;
  readonly outputs: O;
  readonly stores: S;
  readonly handler: Handler<In, O, S>;
  readonly config: StreamConfig;
  readonly breaker: FailureBreaker;
  readonly signal: AbortSignal;
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
 * One message, one trace: a `process` span whose parent is the producer span from this
 * message's own headers (extracted on ROOT_CONTEXT, so never the suppressed batch context), the
 * handler inside it, and its outputs — or its dead letter — added to the chunk's outbox.
 */
export async function processMessage<In, O extends OutputSpecs, S extends StoreSpecs>(
  hop: HopParts<In, O, S>,
  scope: ChunkScope,
  message: KafkaMessage,
): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers, bufferGetter);
  const eventId = findHeader(message.headers, Headers.eventId);
  const bytes = message.value?.length ?? 0;
  const { topic, partition } = scope;
  const spanInput = {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    bytes,
    eventId,
    group: hop.name,
    clientId: hop.clientId,
  };
  const span = startProcessSpan(hop.tracer, spanInput, parent);
  const event = { id: eventId };
  const processCtx = withEventId(trace.setSpan(parent, span), event);
  // One object for every attempt: an event id set by a failed attempt still names the dead letter.
  const attemptInput = {
    ...{ outputs: hop.outputs, stores: hop.stores, state: scope.state, chunk: scope.writes, own: new Writes() },
    ...{ processCtx, span, inputKey: message.key, signal: hop.signal, event },
  };
  try {
    for (let attempt = 0; ; attempt++) {
      let stage: Stage = 'decode';
      try {
        const value = decode(hop.inputs.get(topic)!, message);
        stage = 'handle';
        const own = new Writes();
        const run = startAttempt(Object.assign(attemptInput, { own }));
        const consumed = {
          topic,
          partition,
          offset: message.offset,
          key: message.key,
          value,
          headers: message.headers ?? {},
          timestamp: Number(message.timestamp),
          eventId,
        };
        const returned = await context.with(processCtx, () => hop.handler(consumed, run.ctx));
        stage = 'encode';
        const records = run.records(returned ?? undefined);
        own.mergeInto(scope.writes);
        for (const r of records) scope.outbox.add(r);
        hop.breaker.success();
        return;
      } catch (error) {
        const verdict = classify(error, stage);
        if (verdict.action === 'crash') throw new HopCrashedError(hop.name, stage, error);
        const again =
          verdict.action === 'retry' ||
          verdict.action === 'abandon' ||
          (verdict.retryFirst && attempt + 1 < hop.config.handlerAttempts);
        if (again) {
          span.addEvent('adtrace.retry', { 'adtrace.retry.attempt': attempt + 1, 'error.type': verdict.errorClass });
          await sleep(
            backoffDelay(attempt, { initialMs: hop.config.retryInitialMs, maxMs: hop.config.retryMaxMs }),
            hop.signal,
          );
          if (hop.signal.aborted) throw new Abandon('stopping during a retry');
          await scope.keepAlive();
          continue;
        }
        if (!verdict.declared && hop.breaker.failure()) {
          throw new HopCrashedError(
            hop.name,
            stage,
            new Error(
              `${hop.config.maxConsecutiveFailures} messages in a row failed without a declared reason; last: ${verdict.reason}`,
              { cause: error },
            ),
          );
        }
        markDeadLettered(span, verdict);
        const source = { topic, partition, stage: hop.name, deadLetterTopic: hop.config.deadLetterTopic };
        scope.outbox.add(deadLetterRecord(message, source, verdict, processCtx, event.id));
        return;
      }
    }
  } finally {
    span.end();
  }
}

function decode<In>(input: InputSpec<In>, message: KafkaMessage): In {
  if (message.value !== null) return input.decode(message.value);
  if (input.tombstone) return input.tombstone(message.key);
  throw new RejectedError('TOMBSTONE', `null value on ${input.topic}, which does not accept tombstones`);
}
