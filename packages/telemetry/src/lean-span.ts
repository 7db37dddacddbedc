import { randomFillSync } from 'node:crypto';
import {
  type Attributes,
  type AttributeValue,
  type Context,
  diag,
  type Exception,
  type HrTime,
  type Link,
  propagation,
  ROOT_CONTEXT,
  SamplingDecision,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  type TimeInput,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isAnyValue, isAttributeValue, isTracingSuppressed, parseTraceParent, TraceState } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';

/**
 * The stream runtime's per-message spans (`process <topic>`), without the SDK's span machinery.
 *
 * Every message of every hop opens one span, so what a span costs to make is what tracing costs
 * per message (bench/README.md, "hop"). The SDK's `Tracer.startSpan` validates the attributes
 * twice, counts the span in its self-metrics, keeps times as `[s, ns]` arrays and fills some
 * twenty fields; the runtime knows its attributes are valid. A `LeanSpan` is the same span to
 * everything that sees it — the API's `Span` for the handler (child spans, events, status), the
 * SDK's `ReadableSpan` for the span processors and any exporter — decided by the same sampler and
 * handed to the same processors, `onStart`, `onEnding`, `onEnd`, in the same order; only its
 * making is cheaper. `startTelemetry` registers the lean tracer; without it (no preloaded SDK, or
 * a test's own provider) the runtime uses the API's tracer and the SDK's spans.
 *
 * What it leaves out on purpose: the SDK's `otel.sdk.span.*` self-metrics (the TracerProvider has
 * no meter provider here, so they were no-ops) and span limits beyond the default attribute,
 * event and link counts (128 each, as the SDK's defaults).
 */
const COUNT_LIMIT = 128;
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NONE: never[] = Object.freeze([]) as unknown as never[];
/**
 * What `ParentBasedSampler` with its default delegates answers for a valid, sampled parent's
 * child (AlwaysOn: record and sample, no attributes, the parent's trace state): given without
 * asking it, as `unsampledChild` does for a not-sampled parent. Every process span of a sampled
 * message takes this path.
 */
const SAMPLED_CHILD = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED }) as {
  readonly decision: SamplingDecision;
  readonly attributes?: Attributes;
  readonly traceState?: SpanContext['traceState'];
};

export interface LeanTracerOptions {
  readonly resource: Resource;
  readonly sampler: Sampler;
  readonly processors: readonly SpanProcessor[];
  /**
   * The sampler is the SDK's `ParentBasedSampler` with its default delegates for parents'
   * children (AlwaysOn when the parent is sampled, AlwaysOff when not), as `startTelemetry` makes
   * it: a child of a valid parent is then recorded exactly when the parent is, and is made
   * without asking it (`unsampledChild`, `SAMPLED_CHILD`).
   */
  readonly parentBased?: boolean;
}

/** A valid traceparent's fields, as `parseTraceParent` (@opentelemetry/core) returns them. */
export interface TraceparentIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

export class LeanTracer {
  readonly #scopes = new Map<string, { name: string; version?: string; schemaUrl?: string }>();

  readonly options: LeanTracerOptions;

  constructor(options: LeanTracerOptions) {
    this.options = options;
  }

  /**
   * Starts a span under `parent` (the context holding the parent span context, or none): the
   * sampler decides; dropped → a non-recording span that still propagates its ids.
   * `attributes` become the span's own (not copied): they must be valid attribute values.
   */
  startSpan(
    scope: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    parent: Context,
    startTime?: TimeInput,
  ): Span {
    const unsampled = this.unsampledChild(parent);
    if (unsampled) return unsampled;
    const parentSpan = trace.getSpanContext(parent);
    const valid = parentSpan !== undefined && validIds(parentSpan);
    const traceId = valid ? parentSpan.traceId : randomHex(16);
    const spanId = randomHex(8);
    const result =
      valid && this.options.parentBased && (parentSpan.traceFlags & TraceFlags.SAMPLED) !== 0
        ? SAMPLED_CHILD
        : this.options.sampler.shouldSample(parent, traceId, name, kind, attributes, NONE);
    const sampled = result.decision === SamplingDecision.RECORD_AND_SAMPLED;
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: result.traceState ?? (valid ? parentSpan.traceState : undefined),
    };
    if (result.decision === SamplingDecision.NOT_RECORD) return trace.wrapSpanContext(spanContext);
    if (result.attributes) Object.assign(attributes, result.attributes);
    const span = new LeanSpan(
      this,
      this.#scope(scope),
      spanContext,
      valid ? parentSpan : undefined,
      name,
      kind,
      attributes,
      startTime,
    );
    for (const p of this.options.processors) p.onStart(span as never, parent);
    return span;
  }

  /**
   * A child of `parent` that the sampler would not record, without asking it (`parentBased`:
   * the parent's span is valid and not sampled): the parent's own span when it records nothing,
   * else one wrapping its span context — what the API's no-op tracer returns for a child. It makes
   * no ids: nothing downstream can see a span that is neither exported nor different from its
   * parent except by its span id, and what its outputs propagate is the parent's trace id and
   * flags, so the upstream trace id travels on through every hop. Undefined when the sampler
   * must decide (a sampled parent, none, or another sampler): `startSpan` makes the span then.
   * At a 10 % sampling ratio nine messages in ten take this path, in every hop and handler span.
   */
  unsampledChild(parent: Context): Span | undefined {
    if (!this.options.parentBased) return undefined;
    const span = trace.getSpan(parent);
    if (span === undefined) return undefined;
    const sc = span.spanContext();
    if ((sc.traceFlags & TraceFlags.SAMPLED) !== 0 || !validIds(sc)) return undefined;
    return span.isRecording() ? trace.wrapSpanContext(sc) : span;
  }

  /**
   * A message's parent context from its headers: what the W3C trace-context propagator
   * `startTelemetry` registers extracts, on ROOT_CONTEXT, without the composite propagator's
   * getter calls per field. A record with a `baggage` header goes through the global propagator.
   */
  extract<C>(carrier: C, getter: TextMapGetter<C>): Context {
    if (getter.get(carrier, 'baggage') !== undefined) return propagation.extract(ROOT_CONTEXT, carrier, getter);
    const header = getter.get(carrier, 'traceparent');
    const traceparent = Array.isArray(header) ? header[0] : header;
    const parsed = typeof traceparent === 'string' ? parseTraceParent(traceparent) : null;
    return this.#parent(parsed, carrier, getter);
  }

  /**
   * `extract`, for a carrier whose traceparent the caller has already read — `traceparent`, what
   * `getter` returns for it — and perhaps parsed: `ids`, what `parseTraceParent` returns for it
   * (null: not a valid traceparent; undefined: not parsed, parsed here). The runtime reads a
   * record's traceparent once per message, for its trace id too.
   */
  extractFound<C>(
    carrier: C,
    getter: TextMapGetter<C>,
    traceparent: string | undefined,
    ids?: TraceparentIds | null,
  ): Context {
    if (getter.get(carrier, 'baggage') !== undefined) return propagation.extract(ROOT_CONTEXT, carrier, getter);
    const parsed = ids !== undefined ? ids : traceparent === undefined ? null : parseTraceParent(traceparent);
    return this.#parent(parsed, carrier, getter);
  }

  #parent<C>(parsed: TraceparentIds | null, carrier: C, getter: TextMapGetter<C>): Context {
    if (!parsed) return ROOT_CONTEXT;
    const state = getter.get(carrier, 'tracestate');
    const spanContext: SpanContext = {
      ...parsed,
      isRemote: true,
      ...(state && { traceState: new TraceState(Array.isArray(state) ? state.join(',') : state) }),
    };
    return trace.setSpanContext(ROOT_CONTEXT, spanContext);
  }

  /** What the registered propagators inject: traceparent (and tracestate), or through them when the context holds baggage. */
  inject<C>(context: Context, carrier: C, setter: TextMapSetter<C>): void {
    if (propagation.getBaggage(context)) {
      propagation.inject(context, carrier, setter);
      return;
    }
    const sc = trace.getSpanContext(context);
    if (!sc || isTracingSuppressed(context) || !validIds(sc)) return;
    setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags || 0).toString(16)}`);
    if (sc.traceState) setter.set(carrier, 'tracestate', sc.traceState.serialize());
  }

  /** @internal Before the span is ended: the last moment it takes attributes (the cost and event-id processors'). */
  ending(span: LeanSpan): void {
    for (const p of this.options.processors) p.onEnding?.(span as never);
  }

  /** @internal */
  ended(span: LeanSpan): void {
    for (const p of this.options.processors) p.onEnd(span);
  }

  #scope(name: string) {
    let scope = this.#scopes.get(name);
    if (!scope) {
      // The SDK tracer's scope for `trace.getTracer(name)`: same name, no version.
      scope = { name, version: undefined, schemaUrl: undefined };
      this.#scopes.set(name, scope);
    }
    return scope;
  }
}

/** A span the runtime makes per message: see the module comment. */
export class LeanSpan implements Span, ReadableSpan {
  readonly tracer: LeanTracer;
  readonly instrumentationScope: ReadableSpan['instrumentationScope'];
  readonly context: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  readonly resource: Resource;
  /**
   * Epoch milliseconds at start (the wall clock, as the SDK's spans: a process's monotonic clock
   * drifts from it over days) and at end (fractional); end is NaN until ended.
   */
  readonly startMs: number;
  endMs = Number.NaN;
  #ended = false;
  /** The wall clock and the performance clock when the span was made: times given as performance timestamps convert through them. */
  readonly #originMs: number;
  readonly #perfStart: number;
  /** A start time was given: an end without one is the wall clock then (as the SDK's spans). */
  readonly #startGiven: boolean;
  status: SpanStatus = UNSET;
  events: TimedEvent[] = NONE;
  links: Link[] = NONE;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  #attributeCount: number;

  constructor(
    tracer: LeanTracer,
    scope: ReadableSpan['instrumentationScope'],
    context: SpanContext,
    parent: SpanContext | undefined,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    startTime?: TimeInput,
  ) {
    this.tracer = tracer;
    this.instrumentationScope = scope;
    this.context = context;
    this.parentSpanContext = parent;
    this.name = name;
    this.kind = kind;
    this.attributes = attributes;
    this.resource = tracer.options.resource;
    this.#originMs = Date.now();
    this.#perfStart = performance.now();
    this.#startGiven = startTime !== undefined;
    this.startMs = this.#startGiven ? this.#epochMs(startTime) : this.#originMs;
    let n = 0;
    for (const _ in attributes) n++;
    this.#attributeCount = n;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get startTime(): HrTime {
    return msToHrTime(this.startMs);
  }

  get endTime(): HrTime {
    return Number.isNaN(this.endMs) ? [0, 0] : msToHrTime(this.endMs);
  }

  get duration(): HrTime {
    return Number.isNaN(this.endMs) ? [-1, -1] : msToHrTime(this.endMs - this.startMs);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.#closed() || !key || value === undefined) return this;
    const t = typeof value;
    // What the SDK keeps: any OTLP AnyValue (a map too), checked the cheap way first.
    if (!(t === 'string' || t === 'number' || t === 'boolean' || isAnyValue(value))) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    if (!Object.hasOwn(this.attributes, key)) {
      if (this.#attributeCount >= COUNT_LIMIT) {
        this.droppedAttributesCount++;
        return this;
      }
      this.#attributeCount++;
    }
    this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key]!);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.#closed()) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time ??= attributesOrTime;
    else attributes = attributesOrTime;
    if (this.events === NONE) this.events = [];
    if (this.events.length >= COUNT_LIMIT) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    const clean: Attributes = {};
    let dropped = 0;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue; // dropped silently, as the SDK does
      if (Object.hasOwn(attributes, key) && key && isAttributeValue(value)) clean[key] = value;
      else dropped++;
    }
    this.events.push({
      name,
      time: msToHrTime(this.#epochMs(time)),
      attributes: clean,
      droppedAttributesCount: dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.#closed()) return this;
    if (this.links === NONE) this.links = [];
    if (this.links.length >= COUNT_LIMIT) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push({ context: link.context, attributes: { ...link.attributes } });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.#closed() || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.#closed()) this.name = name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = String(exception.code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    this.endMs = Math.max(this.startMs, this.#epochMs(endTime));
    this.tracer.ending(this);
    this.#ended = true;
    this.tracer.ended(this);
  }

  /** A time as the SDK reads it: none is now; a number up to performance.now() a performance timestamp. */
  #epochMs(time: TimeInput | undefined): number {
    const now = performance.now();
    if (time === undefined) return this.#startGiven ? Date.now() : this.#originMs + (now - this.#perfStart);
    if (typeof time === 'number') return time <= now ? this.#originMs + (time - this.#perfStart) : time;
    if (time instanceof Date) return time.getTime();
    return time[0] * 1e3 + time[1] / 1e6;
  }

  #closed(): boolean {
    if (!this.ended) return false;
    diag.warn(
      `Cannot execute the operation on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`,
    );
    return true;
  }
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || (Array.isArray(value) && value.length === 2);
}

/** Epoch (or duration) milliseconds → [seconds, nanoseconds]. */
export function msToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1e3);
  const nanos = Math.round((ms - seconds * 1e3) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/** Random bytes drawn 4 KiB at a time: one native call per 256 span ids, not per id. */
const pool = Buffer.allocUnsafe(4096);
let poolAt = pool.length;

/** `bytes` random bytes as lowercase hex, never all zeros (an invalid id). */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolAt + bytes > pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const id = pool.toString('hex', poolAt, poolAt + bytes);
    poolAt += bytes;
    if (!ALL_ZEROS.test(id)) return id;
  }
}

const ALL_ZEROS = /^0+$/;

/** A span context's ids are hex of the right length and not all zeros (the API's check, without its regexes). */
function validIds(sc: SpanContext): boolean {
  return validHex(sc.traceId, 32) && validHex(sc.spanId, 16);
}

function validHex(id: string, length: number): boolean {
  if (id.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = id.charCodeAt(i);
    if (c === 48) continue;
    if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
    nonZero = true;
  }
  return nonZero;
}

const LEAN = Symbol.for('adtrace.telemetry.lean-tracer');
type Holder = { [LEAN]?: { tracer: LeanTracer; provider: object } };

/** Registered by `startTelemetry` for its tracer provider (the propagators it registers are W3C trace context and baggage). */
export function setLeanTracer(entry: { tracer: LeanTracer; provider: object }): void {
  (globalThis as Holder)[LEAN] = entry;
}

/** At its shutdown: unless another SDK registered its own since. */
export function clearLeanTracer(provider: object): void {
  if ((globalThis as Holder)[LEAN]?.provider === provider) (globalThis as Holder)[LEAN] = undefined;
}

/**
 * The lean tracer, when the SDK that registered it is still the global tracer provider's
 * (a test may have registered another since): otherwise undefined, and spans go through the API.
 */
export function leanTracer(): LeanTracer | undefined {
  const entry = (globalThis as Holder)[LEAN];
  if (!entry) return undefined;
  const global = trace.getTracerProvider() as { getDelegate?: () => object };
  return (global.getDelegate?.() ?? global) === entry.provider ? entry.tracer : undefined;
}
