import { expect, test } from 'vitest';
import { backoffDelay, sleep } from './backoff.ts';

const options = { initialMs: 100, maxMs: 5000 };

test('backoff doubles per attempt, is capped, and jitters between half and all of it', () => {
  expect([0, 1, 2, 3].map((n) => backoffDelay(n, options, () => 1))).toEqual([100, 200, 400, 800]);
  expect(backoffDelay(40, options, () => 1)).toBe(5000);
  expect(backoffDelay(40, options, () => 0)).toBe(2500);
});

test('sleep ends early when its signal aborts', async () => {
  const controller = new AbortController();
  const started = performance.now();
  const slept = sleep(60_000, controller.signal);
  controller.abort();
  await slept;
  expect(performance.now() - started).toBeLessThan(1000);
});
