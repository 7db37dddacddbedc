import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { defaultTextMapGetter, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bufferGetter, findHeader, findTraceparent, overwriteSetter, SizedOverwrite, traceIdOf } from './carrier.ts';
import type { RecordHeaders as IHeaders } from './kafka/port.ts';

const a = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const b = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
afterAll(() => propagation.disable());

describe('bufferGetter', () => {
  test('reads consumed Buffer headers, which the default getter ignores', () => {
    const headers: IHeaders = { traceparent: Buffer.from(a) };
    const ours = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, bufferGetter));
    expect(ours).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
    const stock = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, defaultTextMapGetter as never));
    expect(stock).toBeUndefined();
  });

  test('of a repeated header takes the last value, instead of an invalid "a,b" that starts a new trace', () => {
    const headers: IHeaders = { traceparent: [Buffer.from(a), Buffer.from(b)] };
    expect(findHeader(headers, 'traceparent')).toBe(b);
    expect(trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, bufferGetter))?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  test('matches names case-insensitively and tolerates missing carriers', () => {
    expect(findHeader({ TraceParent: a }, 'traceparent')).toBe(a);
    expect(findHeader({ 'adtrace.event-id': 'e1', TRACEPARENTS: 'x', TraceParent: a }, 'traceparent')).toBe(a);
    expect(findHeader({ 'adtrace.event-id': 'e1', 'trace-parent': a }, 'traceparent')).toBeUndefined();
    expect(findHeader(undefined, 'traceparent')).toBeUndefined();
    expect(bufferGetter.keys(undefined)).toEqual([]);
  });
});

describe('overwriteSetter', () => {
  test('replaces an existing traceparent, whatever its spelling, instead of appending', () => {
    const headers: IHeaders = { Traceparent: Buffer.from(a), 'adtrace.event-id': 'e1' };
    overwriteSetter.set(headers, 'traceparent', b);
    expect(headers).toEqual({ traceparent: b, 'adtrace.event-id': 'e1' });
  });
});

describe('SizedOverwrite', () => {
  test("overwrites as overwriteSetter does, counting the change in the record's kafkaMessageBytes", () => {
    const headers: IHeaders = {
      TraceParent: [Buffer.from(a), Buffer.from(b)],
      traceparent: 'stale',
      'adtrace.event-id': 'é1',
      TRACEPARENTS: 'x',
    };
    const message = { key: Buffer.from('k'), value: Buffer.from('v'), headers };
    const before = kafkaMessageBytes(message);
    const setter = new SizedOverwrite();
    setter.set(headers, 'traceparent', b);
    expect(headers).toEqual({ traceparent: b, 'adtrace.event-id': 'é1', TRACEPARENTS: 'x' });
    expect(before + setter.grown).toBe(kafkaMessageBytes(message));
    setter.grown = 0;
    setter.set(headers, 'tracestate', 'vendor=ü');
    expect(setter.grown).toBe('tracestate'.length + Buffer.byteLength('vendor=ü'));
  });
});

describe('findTraceparent', () => {
  // traceIdOf as it was, with its regexes: the trace id the runtime reads must not change.
  const regexTraceId = (value: string | undefined) => {
    const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}/.exec(value?.trim() ?? '');
    if (!match || match[1] === 'ff' || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) return undefined;
    return match[2];
  };
  const canonical = [a, b, b.replace(/-01$/, '-00'), a.replace(/^00/, '01'), a.replace(/^00/, 'ff')].concat([
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
  ]);
  const other = [
    ` ${a}`,
    `${a} `,
    `  ${a}`,
    `${a}-extra`,
    `${a.replace(/^00/, '01')}-future`,
    a.toUpperCase(),
    a.replace(/-01$/, '-0g'),
    a.replace(/-/g, '_'),
    a.slice(0, 54),
    `${a}0`,
    'garbage',
    '',
  ];

  test('reads the trace id traceIdOf read, and the ids the W3C propagator parses, in one pass on the usual form', () => {
    for (const value of [...canonical, ...other]) {
      const found = findTraceparent({ 'adtrace.event-id': 'e1', traceparent: Buffer.from(value) });
      expect(found.value, value).toBe(value);
      expect(found.traceId, value).toBe(regexTraceId(value));
      expect(traceIdOf({ traceparent: value }), value).toBe(regexTraceId(value));
      // Left to the tracer (undefined) only off the usual form; what is parsed here is the propagator's parse.
      if (canonical.includes(value)) expect(found.ids, value).not.toBeUndefined();
      if (found.ids !== undefined) expect(found.ids, value).toEqual(parseTraceParent(value));
    }
  });

  test('takes the last of a repeated header, in any spelling, and nothing from a record without one', () => {
    expect(findTraceparent({ TraceParent: [Buffer.from(a), Buffer.from(b)] }).ids).toEqual(parseTraceParent(b));
    expect(findTraceparent({ 'adtrace.event-id': 'e1' })).toEqual({ value: undefined, traceId: undefined, ids: null });
    expect(findTraceparent(undefined).traceId).toBeUndefined();
  });
});
