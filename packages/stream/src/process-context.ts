import { CPU_METER_KEY, type CpuMeter } from '@adtrace/telemetry/attributes';
import { type Context, createContextKey, type Span } from '@opentelemetry/api';
import { EVENT_ID_KEY, type EventIdHolder } from './event-context.ts';

/** The API's span key (@opentelemetry/api trace/context-utils: `trace.setSpan` / `trace.getSpan`). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * A message's process context: its parent's values, with its process span, its event id holder
 * (event-context.ts) and its CPU meter (cpu-account.ts) — what
 * `withCpuMeter(withEventId(trace.setSpan(parent, span), holder), meter)` holds — as three fields
 * instead of three contexts, each a copy of the Map before it, made per message. Reads answer
 * exactly what that chain answers; a context derived from it (a handler's span, a key of its own)
 * is that chain's, made once, on the first derivation.
 */
export class ProcessContext implements Context {
  readonly #parent: Context;
  readonly #span: Span;
  readonly #event: EventIdHolder;
  readonly #meter: CpuMeter;
  #chain: Context | undefined;

  constructor(parent: Context, span: Span, event: EventIdHolder, meter: CpuMeter) {
    this.#parent = parent;
    this.#span = span;
    this.#event = event;
    this.#meter = meter;
  }

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.#span;
    if (key === EVENT_ID_KEY) return this.#event;
    if (key === CPU_METER_KEY) return this.#meter;
    return this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.#asChain().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.#asChain().deleteValue(key);
  }

  #asChain(): Context {
    this.#chain ??= this.#parent
      .setValue(SPAN_KEY, this.#span)
      .setValue(EVENT_ID_KEY, this.#event)
      .setValue(CPU_METER_KEY, this.#meter);
    return this.#chain;
  }
}
