import { type Context, createContextKey } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { SpanAttributes } from './attributes.ts';

/**
 * The stream runtime runs each handler in a context that names its ad event (its
 * `withEventId` / `eventIdOf`, @adtrace/stream event-context.ts). The key is
 * `createContextKey('adtrace.event_id holder')` = `Symbol.for(…)`, so this package reads the very
 * same key without depending on the runtime (dependencies point down).
 */
const EVENT_ID = createContextKey('adtrace.event_id holder');
type Holder = { readonly id: string | undefined };

/**
 * Gives every span started inside an event's handler (ads.auction, a query, …) the event's
 * `adtrace.event_id`, so "every span carries the event id" holds for the services' own spans
 * too. A holder, not a value: ingest names the event after its span started, so the id is
 * looked at again when the span ends. A span that set its own id keeps it.
 */
export class EventIdSpanProcessor implements SpanProcessor {
  readonly #holders = new WeakMap<object, Holder>();

  onStart(span: Span, parentContext: Context): void {
    const holder = parentContext.getValue(EVENT_ID) as Holder | undefined;
    if (!holder || span.attributes[SpanAttributes.eventId] !== undefined) return;
    if (holder.id) span.setAttribute(SpanAttributes.eventId, holder.id);
    else this.#holders.set(span, holder);
  }

  onEnding(span: Span): void {
    const holder = this.#holders.get(span);
    if (!holder) return;
    this.#holders.delete(span);
    if (holder.id && span.attributes[SpanAttributes.eventId] === undefined)
      span.setAttribute(SpanAttributes.eventId, holder.id);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
