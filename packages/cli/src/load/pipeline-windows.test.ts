import { describe, expect, it } from 'vitest';
import { pipelineWindows } from './pipeline-windows.ts';

describe('pipelineWindows', () => {
  it('takes the services’ defaults, and their variables when set', () => {
    expect(pipelineWindows({})).toEqual({
      windowMs: 60_000,
      graceMs: 300_000,
      clickWindowMs: 7 * 86_400_000,
      viewWindowMs: 86_400_000,
      tokenTtlMs: 7 * 86_400_000,
      latenessMarginMs: 60_000,
    });
    const short = pipelineWindows({ AGGREGATION_WINDOW_MS: '5000', AGGREGATION_GRACE_MS: '20000' });
    expect([short.windowMs, short.graceMs, short.latenessMarginMs]).toEqual([5_000, 20_000, 10_000]);
  });

  it('names the variable of a wrong value', () => {
    expect(() => pipelineWindows({ TRACKING_VIEW_WINDOW_MS: 'a day' })).toThrow(/TRACKING_VIEW_WINDOW_MS/);
  });
});
