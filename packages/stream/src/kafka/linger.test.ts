import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Linger } from './linger.ts';

describe('a consumer linger', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Whether over() has resolved after `ms` more of (fake) time. */
  const overAfter = async (linger: Linger, ms: number) => {
    let done = false;
    void linger.over().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  test('after a caught-up fetch with records, the next waits until the linger is over', async () => {
    const linger = new Linger(100);
    linger.fetched(true, false);
    await vi.advanceTimersByTimeAsync(30); // handling the fetch took 30 ms of the 100
    expect(await overAfter(linger, 69)).toBe(false);
    expect(await overAfter(linger, 1)).toBe(true);
  });

  test('an empty fetch, a fetch that left records behind (a backlog) and a linger of 0 wait for nothing', async () => {
    const empty = new Linger(100);
    empty.fetched(false, false);
    expect(await overAfter(empty, 0)).toBe(true);
    const backlog = new Linger(100);
    backlog.fetched(true, true);
    expect(await overAfter(backlog, 0)).toBe(true);
    const none = new Linger(0);
    none.fetched(true, false);
    expect(await overAfter(none, 0)).toBe(true);
  });

  test('each fetch decides for the next: one that left records behind ends the wait; release() ends every wait', async () => {
    const linger = new Linger(100);
    linger.fetched(true, false);
    linger.fetched(true, true);
    expect(await overAfter(linger, 0)).toBe(true);
    linger.fetched(true, false);
    const waiting = linger.over();
    linger.release();
    await expect(waiting).resolves.toBeUndefined();
    linger.fetched(true, false);
    expect(await overAfter(linger, 0)).toBe(true);
  });
});
