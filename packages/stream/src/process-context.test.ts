import { CPU_METER_KEY, cpuMeterOf, withCpuMeter } from '@adtrace/telemetry/attributes';
import { createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, test } from 'vitest';
import { EVENT_ID_KEY, eventIdOf, withEventId } from './event-context.ts';
import { ProcessContext } from './process-context.ts';

const upstream = trace.wrapSpanContext({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  traceFlags: 1,
  isRemote: true,
});
const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), traceFlags: 1 });
const OTHER = createContextKey('test other key');
const parent = propagation.setBaggage(
  trace.setSpan(ROOT_CONTEXT, upstream).setValue(OTHER, 'kept'),
  propagation.createBaggage({ user: { value: 'x' } }),
);

describe('ProcessContext', () => {
  test('holds what the chain of setValue calls it replaces holds, and derives the same contexts', () => {
    const event = { id: 'e1' };
    const meter = { rate: 0.5, chargedUs: 0 };
    const mine = new ProcessContext(parent, span, event, meter);
    const chain = withCpuMeter(withEventId(trace.setSpan(parent, span), event), meter);
    const keys = [createContextKey('OpenTelemetry Context Key SPAN'), EVENT_ID_KEY, CPU_METER_KEY, OTHER];
    const same = (a: typeof mine, b: typeof chain) => {
      for (const key of [...keys, createContextKey('absent')]) expect(a.getValue(key)).toBe(b.getValue(key));
      expect(propagation.getBaggage(a)).toBe(propagation.getBaggage(b));
    };
    same(mine, chain);
    expect([trace.getSpan(mine), eventIdOf(mine), cpuMeterOf(mine)]).toEqual([span, 'e1', meter]);
    const child = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 });
    same(trace.setSpan(mine, child) as ProcessContext, trace.setSpan(chain, child));
    same(mine.setValue(OTHER, 'changed') as ProcessContext, chain.setValue(OTHER, 'changed'));
    same(mine.deleteValue(EVENT_ID_KEY) as ProcessContext, chain.deleteValue(EVENT_ID_KEY));
    // Derived contexts leave it as it was.
    same(mine, chain);
  });
});
