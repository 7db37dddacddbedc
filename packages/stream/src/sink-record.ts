import type { Span } from '@opentelemetry/api';
import type { RuntimeParts } from './boot.ts';
import { findTraceparent } from './carrier.ts';
import type { Stage, Verdict } from './classify.ts';
import type { FailureBreaker } from './control.ts';
import { parkMessage } from './dead-letter.ts';
import type { ChunkPlace } from './each-batch.ts';
import { HopCrashedError } from './errors.ts';
import { backOff, checkBreaker, judge } from './failure.ts';
import type { FetchedRecord } from './kafka/port.ts';
import {
  type Decoder,
  decodeValue,
  type OpenedMessage,
  openMessage,
  openUntracedMessage,
  recordMeta,
} from './open-message.ts';
import type { Outbox } from './outbox.ts';
import type { SinkRecord, SinkWrite } from './sink.ts';
import { Attr, failSpan } from './spans.ts';

export interface SinkParts<In> extends RuntimeParts {
  readonly inputs: ReadonlyMap<string, Decoder<In>>;
  readonly write: SinkWrite<In>;
  /** false: records get no process span (SinkOptions.recordSpans). */
  readonly recordSpans: boolean;
}

/** A decoded record on its way to the store; its process span is open until it is written or parked. */
export interface Pending<In> {
  readonly opened: OpenedMessage;
  readonly message: FetchedRecord;
  readonly record: SinkRecord<In>;
}

/**
 * The process spans of a chunk: each is done when its record is written or parked, and they are
 * ended together at the end of the chunk, sharing its CPU (cpu-account.ts) evenly, each at the
 * moment its own record was done.
 */
export class OpenSpans {
  private readonly open = new Set<Span>();
  private readonly done: { span: Span; at: number }[] = [];
  add(span: Span): void {
    this.open.add(span);
  }
  end(span: Span): void {
    if (this.open.delete(span)) this.done.push({ span, at: performance.now() });
  }
  /** Ends every done span, charged an even share of `cpuMicros`. */
  finish(cpuMicros: number): void {
    const share = this.done.length > 0 ? Math.round(cpuMicros / this.done.length) : 0;
    for (const { span, at } of this.done.splice(0)) {
      span.setAttribute(Attr.cpuMicros, share);
      span.end(at);
    }
  }
  endAll(error: unknown): void {
    for (const span of this.open) this.done.push({ span, at: performance.now() });
    this.open.clear();
    for (const { span } of this.done) failSpan(span, error);
    this.finish(0);
  }
}

/** Opens the record's process span (unless the sink makes none) and decodes it; what never decodes is parked (undefined). */
export async function decodeRecord<In>(
  deps: SinkParts<In>,
  place: ChunkPlace,
  message: FetchedRecord,
  outbox: Outbox,
  spans: OpenSpans,
): Promise<Pending<In> | undefined> {
  const found = findTraceparent(message.headers);
  const meta = recordMeta(place.topic, place.partition, message, found);
  const opened = deps.recordSpans ? openMessage(deps, meta, message, { found }) : openUntracedMessage(meta, found);
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
      giveUp(deps, place.task.breaker, { opened, message }, verdict, 'decode', error, outbox);
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
  breaker: FailureBreaker,
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
  checkBreaker(deps, breaker, verdict, stage, error);
  parkMessage(deps, pending.opened, pending.message, verdict, outbox);
}
