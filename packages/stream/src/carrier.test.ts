import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { defaultTextMapGetter, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bufferGetter, findHeader, overwriteSetter, SizedOverwrite } from './carrier.ts';
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
