import { type Context, createContextKey } from '@opentelemetry/api';

export const EVENT_ID_KEY = createContextKey('adtrace.event_id holder');

export type EventIdHolder = { id: string | undefined };

/**
 * The handler runs in a context that names its ad event, so spans the service starts there
 * (ads.auction, a database call) can be tagged with `adtrace.event_id` too: a span processor's
 * `onStart(span, parentContext)` calls `eventIdOf(parentContext)`. A holder, not a value,
 * because the handler may name the event after its span started (ctx.setEventId at ingest).
 */
export function withEventId(ctx: Context, holder: EventIdHolder): Context {
  return ctx.setValue(EVENT_ID_KEY, holder);
}

export function eventIdOf(ctx: Context): string | undefined {
  return (ctx.getValue(EVENT_ID_KEY) as EventIdHolder | undefined)?.id;
}
