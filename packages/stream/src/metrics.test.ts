import { describe, expect, it } from 'vitest';
import { HopMetrics } from './metrics.ts';

describe('HopMetrics.attributes', () => {
  // Recorded per message: the metrics SDK keeps the hash of a frozen object
  // (patches/@opentelemetry__sdk-metrics@3.1.0.patch), so each partition's must be one frozen object.
  it('gives one frozen object per topic and partition', () => {
    const m = new HopMetrics('group-a');
    const p0 = m.attributes('t', 0);
    expect(Object.isFrozen(p0)).toBe(true);
    expect(m.attributes('t', 0)).toBe(p0);
    expect(p0).toEqual({
      'messaging.consumer.group.name': 'group-a',
      'messaging.destination.name': 't',
      'messaging.destination.partition.id': '0',
    });
    expect(m.attributes('t', 1)).not.toBe(p0);
    expect(m.attributes('t')).toEqual({
      'messaging.consumer.group.name': 'group-a',
      'messaging.destination.name': 't',
    });
    expect(m.attributes('u', 0)['messaging.destination.name']).toBe('u');
  });
});
