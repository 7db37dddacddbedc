import { describe, expect, test } from 'vitest';
import type { MinHeap } from './min-heap.ts';
import { parseTimerKey, type Timer, Timers, timerKey } from './timers.ts';

const brief = (timers: Timer[]) => timers.map((t) => `${t.name}:${t.key}@${t.at}`);

describe('timers on stream time', () => {
  test('fire once stream time reaches them, in (time, name, key) order, each once', () => {
    const timers = new Timers();
    timers.schedule('session', 'u2', 5_000);
    timers.schedule('session', 'u1', 5_000);
    timers.schedule('attribution', 'u9', 5_000);
    timers.schedule('session', 'u3', 1_000);
    timers.schedule('session', 'u4', 9_000);
    expect(timers.due(Number.NEGATIVE_INFINITY)).toEqual([]);
    expect(timers.due(999)).toEqual([]);
    expect(brief(timers.due(5_000))).toEqual([
      'session:u3@1000',
      'attribution:u9@5000',
      'session:u1@5000',
      'session:u2@5000',
    ]);
    expect(timers.due(5_000)).toEqual([]);
    expect([timers.size, timers.get('session', 'u4'), timers.get('session', 'u1')]).toEqual([1, 9_000, undefined]);
  });

  test('scheduling again moves a timer; a cancelled one never fires', () => {
    const timers = new Timers();
    timers.schedule('session', 'u1', 1_000);
    timers.schedule('session', 'u1', 3_000);
    timers.schedule('session', 'u2', 2_000);
    expect(timers.cancel('session', 'u2')).toBe(true);
    expect(timers.cancel('session', 'u2')).toBe(false);
    expect(timers.due(2_999)).toEqual([]);
    expect(brief(timers.due(3_000))).toEqual(['session:u1@3000']);
    expect(() => timers.schedule('a|b', 'k', 1)).toThrow(RangeError);
    expect(() => timers.schedule('a', 'k', 1.5)).toThrow(RangeError);
  });

  test('heavy rescheduling keeps the heap near the number of live timers', () => {
    const timers = new Timers();
    for (let i = 0; i < 100_000; i++) timers.schedule('session', `u${i % 10}`, 1_000 + i);
    const heap = (timers as unknown as { heap: MinHeap<unknown> }).heap;
    expect(timers.size).toBe(10);
    expect(heap.size).toBeLessThanOrEqual(1025);
    expect(timers.due(Number.MAX_SAFE_INTEGER)).toHaveLength(10);
  });

  test('a changelog of changes restores the same timers, which fire as they would have', () => {
    const timers = new Timers();
    const changelog = new Map<string, Buffer | null>();
    const commit = () => {
      for (const { key, value } of timers.takeChanges()) changelog.set(key, value);
    };
    timers.schedule('session', 'u1', 1_000);
    timers.schedule('session', 'u|2', 2_000);
    timers.schedule('cap', 'u1', 7_000);
    commit();
    expect(changelog.get('session|u1')).toEqual(Buffer.from('1000'));
    expect(brief(timers.due(1_500))).toEqual(['session:u1@1000']);
    timers.cancel('cap', 'u1');
    commit();
    expect([changelog.get('session|u1'), changelog.get('cap|u1')]).toEqual([null, null]);

    const restored = Timers.restore(changelog);
    expect(restored.takeChanges()).toEqual([]);
    expect(restored.size).toBe(1);
    expect(brief(restored.due(10_000))).toEqual(['session:u|2@2000']);
    expect(() => Timers.restore([['nobar', Buffer.from('1')]])).toThrow(/not a timer changelog record/);
    expect(() => Timers.restore([['a|k', Buffer.from('soon')]])).toThrow(/not a timer changelog record/);
  });

  test('the changelog key round-trips keys with any characters', () => {
    expect(parseTimerKey(timerKey('session', 'a|b|'))).toEqual({ name: 'session', key: 'a|b|' });
    expect(parseTimerKey('|x')).toBeUndefined();
  });

  test('a rolled-back chunk un-fires its timers and undoes its schedules', () => {
    const timers = new Timers();
    timers.schedule('session', 'u1', 1_000);
    timers.schedule('session', 'u2', 2_000);
    const chunk = timers.undo.savepoint();
    timers.schedule('session', 'u1', 5_000);
    timers.schedule('session', 'u3', 1_500);
    expect(brief(timers.due(2_000))).toEqual(['session:u3@1500', 'session:u2@2000']);
    timers.undo.rollbackTo(chunk);
    timers.undo.release();
    expect(brief(timers.due(2_000))).toEqual(['session:u1@1000', 'session:u2@2000']);
    expect(timers.size).toBe(0);
  });
});
