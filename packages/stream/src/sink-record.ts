import type { Span } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { RuntimeParts } from './boot.ts';
import type { Stage, Verdict } from './classify.ts';
import { parkMessage } from './dead-letter.ts';
import type { ChunkPlace } from './each-batch.ts';
import { HopCrashedError } from './errors.ts';
import { backOff, checkBreaker, judge } from './failure.ts';
import { type Decoder, decodeValue, type OpenedMessage, openMessage } from './open-message.ts';
import type { Outbox } from './outbox.ts';
import type { SinkRecord, SinkWrite } from './sink.ts';
import { endSpans } from './spans.ts';

export interface SinkParts<In> extends RuntimeParts {
  readonly inputs: ReadonlyMap<string, Decoder<In>>;
  readonly write: SinkWrite<In>;
}

/** A decoded record on its way to the store; its process span is open until it is written or parked. */
export interface Pending<In> {
  readonly opened: OpenedMessage;
  readonly message: KafkaMessage;
  readonly record: SinkRecord<In>;
}

/** The process spans of a chunk not yet ended: ended with the error if the chunk fails. */
export class OpenSpans {
  private readonly spans = new Set<Span>();
  add(span: Span): void {
    this.spans.add(span);
  }
  end(span: Span): void {
    if (this.spans.delete(span)) span.end();
  }
  endAll(error: unknown): void {
    endSpans([...this.spans], error);
    this.spans.clear();
  }
}

/** Opens the record's process span and decodes it; what never decodes is parked (undefined). */
export async function decodeRecord<In>(
  deps: SinkParts<In>,
  place: ChunkPlace,
  message: KafkaMessage,
  outbox: Outbox,
  spans: OpenSpans,
): Promise<Pending<In> | undefined> {
  const opened = openMessage(deps, place.topic, place.partition, message);
  spans.add(opened.span);
  for (let attempt = 0; ; attempt++) {
    try {
      const value = decodeValue(deps.inputs.get(place.topic)!, message, opened.meta);
      return { opened, message, record: { ...opened.meta, value } };
    } catch (error) {
      const { verdict, again } = judge(deps, error, 'decode', attempt);
      if (again) {
        await backOff(deps, attempt, verdict, [opened.span], place.keepAlive);
        continue;
      }
      giveUp(deps, { opened, message }, verdict, 'decode', error, outbox);
      spans.end(opened.span);
      return undefined;
    }
  }
}

/**
 * Parks a record the sink can never store. Not a record of the dead-letter topic itself: its dead
 * letter would land in the topic it came from and fail again, forever. A sink of dead letters
 * must decode and write any record (the warehouse loader does); if it cannot, that is a bug,
 * and the sink crashes, leaving the record in Kafka, rather than loop or drop it.
 */
export function giveUp<In>(
  deps: SinkParts<In>,
  pending: Pick<Pending<In>, 'opened' | 'message'>,
  verdict: Verdict,
  stage: Stage,
  error: unknown,
  outbox: Outbox,
): void {
  const { topic, partition, offset } = pending.opened.meta;
  if (topic === deps.config.deadLetterTopic) {
    const why = `dead letter ${topic}[${partition}]@${offset} cannot be stored (${verdict.reason}); a dead letter is never dead-lettered again`;
    throw new HopCrashedError(deps.name, stage, new Error(why, { cause: error }));
  }
  checkBreaker(deps, verdict, stage, error);
  parkMessage(deps, pending.opened, pending.message, verdict, outbox);
}
