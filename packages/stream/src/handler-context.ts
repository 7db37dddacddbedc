import { type Context, context, type Span } from '@opentelemetry/api';
import { RejectedError } from './errors.ts';
import { Headers } from './headers.ts';
import type { RecordHeaders } from './kafka/port.ts';
import type { OutRecord } from './outbox.ts';
import { Attr } from './spans.ts';
import { type PartitionState, storeView, type Writes } from './store.ts';
import type { Emit, HandlerContext, OutputSpecs, StoreSpecs } from './types.ts';

export interface Attempt<O extends OutputSpecs, S extends StoreSpecs> {
  readonly ctx: HandlerContext<O, S>;
  /** Encodes what the handler emitted or returned; returned outputs are children of `processCtx`. */
  records(returned: readonly Emit<O>[] | undefined): OutRecord[];
}

export interface AttemptInput<O extends OutputSpecs, S extends StoreSpecs> {
  readonly outputs: O;
  readonly stores: S;
  readonly state: PartitionState;
  readonly chunk: Writes;
  readonly own: Writes;
  readonly span: Span;
  readonly processCtx: Context;
  readonly inputKey: Buffer | null;
  /** The input record's timestamp: the outputs' event time unless they set one. */
  readonly inputTimestamp: number;
  readonly signal: AbortSignal;
  /** Shared with the process context (event-context.ts), so spans the handler starts see it. */
  readonly event: { id: string | undefined };
}

/** One attempt of the handler on one message: its context, and the records it produced. */
export function startAttempt<O extends OutputSpecs, S extends StoreSpecs>(input: AttemptInput<O, S>): Attempt<O, S> {
  const emitted: { output: Emit<O>; parent: Context }[] = [];
  const { event } = input;
  const tagEvent = (id: string) => {
    if (event.id === undefined) input.span.setAttribute(Attr.eventId, id);
    event.id ??= id;
  };
  const ctx: HandlerContext<O, S> = {
    emit: (output) => void emitted.push({ output, parent: context.active() }),
    store: (name) => storeView(name, input.stores[name]!, input.state, input.chunk, input.own),
    setEventId: (id) => {
      input.span.setAttribute(Attr.eventId, id);
      event.id = id;
    },
    span: input.span,
    signal: input.signal,
  };
  const toRecord = ({ output, parent }: { output: Emit<O>; parent: Context }): OutRecord => {
    const spec = input.outputs[output.to];
    if (!spec) throw new TypeError(`handler emitted to unknown output "${output.to}"`);
    const value = output.value === null ? null : spec.encode(output.value);
    const eventId = output.eventId ?? event.id;
    if (output.eventId) tagEvent(output.eventId);
    const headers: RecordHeaders = { ...output.headers };
    if (eventId) headers[Headers.eventId] = eventId;
    // Outputs keep the input's key (the user key) unless the handler says otherwise; a re-keyed
    // output must say: its whole point is the new key.
    if (spec.partitionsLike && (output.key === undefined || output.key === null)) {
      throw new RejectedError('NO_KEY', `output "${output.to}" is re-keyed: every record must set its key`);
    }
    const key = output.key === undefined ? input.inputKey : output.key;
    const timestamp = String(output.timestamp ?? input.inputTimestamp);
    return {
      kind: 'output',
      topic: spec.topic,
      message: { key, value, headers, timestamp },
      parent,
      eventId,
    };
  };
  return {
    ctx,
    records: (returned) => {
      const all = emitted.slice();
      for (const output of returned ?? []) all.push({ output, parent: input.processCtx });
      return all.map(toRecord);
    },
  };
}
