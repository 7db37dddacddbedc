import { context, createContextKey, ROOT_CONTEXT, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventState } from './event-state.ts';
import { type AttemptInput, startAttempt, startPunctuation } from './handler-context.ts';
import { Headers } from './headers.ts';
import { PartitionState, Writes } from './store.ts';
import { jsonStore } from './store-codecs.ts';
import type { OutputSpecs, ReadonlyTable, StoreSpecs } from './types.ts';
import { WindowTable } from './windows.ts';

const json = { encode: (v: unknown) => Buffer.from(JSON.stringify(v)) };
const outputs = { out: { topic: 'out.topic', ...json }, keyed: { topic: 'keyed.topic', partitionsLike: 'x', ...json } };
const stores = { counts: jsonStore<number>() };
type O = typeof outputs;
type S = typeof stores;

/** The span a handler sees, reduced to what the context writes to it. */
function recordingSpan(): Span & { attributes: Record<string, unknown> } {
  const attributes: Record<string, unknown> = {};
  const span = {
    attributes,
    setAttribute(key: string, value: unknown) {
      attributes[key] = value;
      return span;
    },
  };
  return span as never;
}

/** An event-time state with a stream time the test sets, one window and the timers a handler reaches. */
function eventState(streamTime: { now: number }) {
  const window = new WindowTable({ sizeMs: 1000, graceMs: 0, codec: jsonStore<number>() });
  const scheduled: string[] = [];
  const timers = {
    schedule: (name: string, key: string, at: number) => void scheduled.push(`${name}/${key}@${at}`),
    cancel: (name: string, key: string) => void scheduled.push(`-${name}/${key}`),
  };
  const event = { streamTime: { current: () => streamTime.now }, windows: new Map([['w', window]]), timers };
  return { event: event as unknown as EventState, window, scheduled };
}

const PARENT = createContextKey('test parent');

// ctx.emit takes the active context as its output's parent: there must be one.
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

function input(overrides: Partial<AttemptInput<O, S>> = {}) {
  const span = recordingSpan();
  const eventHolder: { id: string | undefined } = { id: undefined };
  const base: AttemptInput<O, S> = {
    outputs,
    stores,
    state: new PartitionState(),
    chunk: new Writes(),
    own: new Writes(),
    event: undefined,
    tables: new Map<string, ReadonlyTable<unknown>>([['campaigns', { get: (k) => `campaign ${k}`, size: 1 }]]),
    windows: {},
    span,
    processCtx: ROOT_CONTEXT.setValue(PARENT, 'process'),
    inputKey: Buffer.from('user-1'),
    inputTimestamp: 1_000.7,
    signal: new AbortController().signal,
    eventHolder,
    ...overrides,
  };
  return { input: base, span, eventHolder };
}

describe("a handler's context", () => {
  test('emitted outputs come first, children of the span active at emit; returned ones follow, children of the process span', () => {
    const { input: i } = input();
    const run = startAttempt<O, S, Record<never, never>, Record<never, never>>(i);
    const inner = ROOT_CONTEXT.setValue(PARENT, 'inner');
    context.with(inner, () => run.ctx.emit({ to: 'out', value: 1 }));
    run.ctx.emit({ to: 'out', value: null, key: null, headers: { h: 'v' }, timestamp: 5 });
    const records = run.records([{ to: 'keyed', value: 3, key: 'k' }]);
    expect(records.map((r) => [r.topic, r.parent?.getValue(PARENT) ?? 'root'])).toEqual([
      ['out.topic', 'inner'],
      ['out.topic', 'root'],
      ['keyed.topic', 'process'],
    ]);
    expect(records.map((r) => r.message)).toEqual([
      { key: Buffer.from('user-1'), value: Buffer.from('1'), headers: {}, timestamp: '1000' },
      { key: null, value: null, headers: { h: 'v' }, timestamp: '5' },
      { key: 'k', value: Buffer.from('3'), headers: {}, timestamp: '1000' },
    ]);
    // Records are made afresh each time: nothing emitted is consumed by making them.
    expect(run.records(undefined)).toHaveLength(2);
  });

  test("the first output that names an event names the message's; setEventId overrides, and tags the span", () => {
    const { input: i, span, eventHolder } = input();
    const run = startAttempt(i);
    run.ctx.emit({ to: 'out', value: 1, eventId: 'e1' });
    run.ctx.emit({ to: 'out', value: 2, eventId: 'e2' });
    run.ctx.emit({ to: 'out', value: 3 });
    expect(run.records(undefined).map((r) => [r.eventId, r.message.headers[Headers.eventId]])).toEqual([
      ['e1', 'e1'],
      ['e2', 'e2'],
      ['e1', 'e1'],
    ]);
    expect([eventHolder.id, span.attributes['adtrace.event_id']]).toEqual(['e1', 'e1']);
    const { ctx } = startAttempt(i);
    ctx.setEventId('e9');
    expect([eventHolder.id, span.attributes['adtrace.event_id']]).toEqual(['e9', 'e9']);
  });

  test('an output without a key to a re-keyed topic, or to an unknown output, is refused', () => {
    const { input: i } = input();
    const keyless = startAttempt(i);
    keyless.ctx.emit({ to: 'keyed', value: 1 });
    expect(() => keyless.records(undefined)).toThrow(/re-keyed/);
    const unknown = startAttempt(i);
    expect(() => unknown.records([{ to: 'nope', value: 1 } as never])).toThrow(/unknown output "nope"/);
  });

  test('tables, stores, span and signal; a stateless hop has no stream time, windows or timers', () => {
    const { input: i, span } = input();
    const { ctx } = startAttempt<O, S, { campaigns: { topic: string; decode: () => string } }, { w: never }>(i);
    expect(ctx.table('campaigns').get('c1')).toBe('campaign c1');
    expect(() => ctx.table('other' as never)).toThrow(/unknown table "other"/);
    ctx.store('counts').put('u', 2);
    expect(ctx.store('counts').get('u')).toBe(2);
    expect(i.chunk.get('counts', 'u')).toBeUndefined(); // the attempt's own layer, merged only if it succeeds
    expect([ctx.span, ctx.signal]).toEqual([span, i.signal]);
    expect(ctx.streamTime).toBe(Number.NEGATIVE_INFINITY);
    expect(() => ctx.window('w')).toThrow(/unknown window "w"/);
    expect(() => ctx.timers.schedule('t', 'k', 1)).toThrow(/stateful/);
    expect(() => ctx.timers.cancel('t', 'k')).toThrow(/stateful/);
  });

  test('stream time is read when asked; a late window update marks the attempt late; timers reach the task', () => {
    const time = { now: 5_000 };
    const { event, window, scheduled } = eventState(time);
    const { input: i } = input({ event });
    const run = startAttempt<O, S, Record<never, never>, { w: { sizeMs: 1000; graceMs: 0; codec: never } }>(i);
    expect(run.ctx.streamTime).toBe(5_000);
    time.now = 6_000;
    expect(run.ctx.streamTime).toBe(6_000);
    const w = run.ctx.window('w');
    expect(w.update('u', 6_500, () => 1)).toBe('accepted');
    expect(run.late).toBe(false);
    expect(w.update('u', 10, () => 1)).toBe('late');
    expect([run.late, w.get('u', 6_000), window.get('u', 6_000)]).toEqual([true, 1, 1]);
    run.ctx.timers.schedule('t', 'k', 7_000.9);
    run.ctx.timers.cancel('t', 'k');
    expect(scheduled).toEqual(['t/k@7000', '-t/k']);
    expect(startAttempt(i).late).toBe(false); // each attempt starts on time
  });
});

describe("a window or timer callback's context", () => {
  test('its outputs have no key and no event, stream time as their time, and the given parent', () => {
    const time = { now: 42_000 };
    const { event } = eventState(time);
    const scope = { outputs, stores, state: new PartitionState(), chunk: new Writes(), own: new Writes(), event };
    const run = startPunctuation<OutputSpecs, StoreSpecs>(scope, ROOT_CONTEXT);
    run.ctx.emit({ to: 'out', value: 1 });
    const [emitted, returned] = run.records([{ to: 'out', value: 2, eventId: 'e', timestamp: 7 }]);
    expect([emitted?.message, emitted?.eventId, run.late]).toEqual([
      { key: null, value: Buffer.from('1'), headers: {}, timestamp: '42000' },
      undefined,
      false,
    ]);
    expect([returned?.message.timestamp, returned?.eventId, returned?.parent]).toEqual(['7', 'e', ROOT_CONTEXT]);
    expect(run.ctx.streamTime).toBe(42_000);
    // Before any record, stream time is unknown: the wall clock stands in.
    time.now = Number.NEGATIVE_INFINITY;
    const before = Date.now();
    const [early] = startPunctuation<OutputSpecs, StoreSpecs>(scope, ROOT_CONTEXT).records([{ to: 'out', value: 0 }]);
    expect(Number(early?.message.timestamp)).toBeGreaterThanOrEqual(before);
  });
});
