import { eventIdOf } from '@adtrace/stream';
import { EventIdSpanProcessor } from '@adtrace/telemetry';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

// Telemetry reads the stream runtime's event-id context key by name (it may not import the
// runtime). This service depends on both, so it is where the two are checked to agree.
describe('the event-id context key', () => {
  it('is the one the stream runtime reads and the telemetry processor expects', () => {
    const ctx = ROOT_CONTEXT.setValue(createContextKey('adtrace.event_id holder'), { id: 'evt-contract' });
    expect(eventIdOf(ctx)).toBe('evt-contract');
    expect(new EventIdSpanProcessor()).toBeDefined();
  });
});
