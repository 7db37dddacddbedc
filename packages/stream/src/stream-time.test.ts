import { describe, expect, test } from 'vitest';
import { parseStreamTime, StreamTime } from './stream-time.ts';

const IDLE = 10_000;

describe('stream time', () => {
  test('is the lowest of the inputs’ highest timestamps and never goes backwards', () => {
    const st = new StreamTime(['clicks', 'impressions'], IDLE, 0);
    expect(st.current()).toBe(Number.NEGATIVE_INFINITY);
    // impressions has no record yet and is not idle: it holds stream time back.
    expect(st.observe('clicks', 5_000, 1)).toBe(Number.NEGATIVE_INFINITY);
    expect(st.observe('impressions', 3_000, 2)).toBe(3_000);
    expect(st.observe('impressions', 8_000, 3)).toBe(5_000);
    // An out-of-order record lowers neither its input's highest nor stream time.
    expect(st.observe('clicks', 1_000, 4)).toBe(5_000);
    expect(st.observe('clicks', 9_000, 5)).toBe(8_000);
    expect(() => st.observe('other', 1, 6)).toThrow(/unknown input/);
  });

  test('an input with no record for idleMs stops holding stream time back, and holds it again once it has one', () => {
    const st = new StreamTime(['a', 'b'], IDLE, 0);
    st.observe('a', 1_000, 0);
    st.observe('b', 1_000, 0);
    st.observe('a', 50_000, 5_000);
    expect(st.current()).toBe(1_000);
    // b's last record was at wall 0; at 9_999 it is still active, at 10_000 idle.
    expect(st.tick(9_999)).toBe(1_000);
    st.observe('a', 60_000, 10_000);
    expect(st.current()).toBe(60_000);
    // b is back, behind a: it holds stream time where it is (it never goes back to 2_000).
    expect(st.observe('b', 2_000, 10_001)).toBe(60_000);
    expect(st.observe('a', 70_000, 10_002)).toBe(60_000);
    expect(st.observe('b', 65_000, 10_003)).toBe(65_000);
  });

  test('an input that never had a record stops holding stream time back idleMs after the start', () => {
    const st = new StreamTime(['a', 'b'], IDLE, 100);
    expect(st.observe('a', 7_000, 5_000)).toBe(Number.NEGATIVE_INFINITY);
    expect(st.tick(10_099)).toBe(Number.NEGATIVE_INFINITY);
    expect(st.tick(10_100)).toBe(7_000);
  });

  test('a task with no record for idleMs advances with the wall clock from the highest timestamp', () => {
    const st = new StreamTime(['a', 'b'], IDLE, 0);
    st.observe('a', 40_000, 1_000);
    st.observe('b', 30_000, 2_000);
    expect(st.current()).toBe(30_000);
    // a idles at 11_000 (b still holds at 30_000); the task idles at 12_000: every input released.
    expect(st.tick(11_500)).toBe(30_000);
    expect(st.tick(12_000)).toBe(40_000);
    expect(st.tick(17_000)).toBe(45_000);
    expect(st.tick(16_000)).toBe(45_000);
    // A record does not advance an idle task by the wall clock (only tick does), nor does a
    // record older than stream time pull it back.
    expect(st.observe('a', 41_000, 20_000)).toBe(45_000);
    // The next idle period advances from where stream time was, not from the highest timestamp.
    expect(st.tick(30_000)).toBe(45_000);
    expect(st.tick(33_000)).toBe(48_000);
  });

  test('an input that is behind holds stream time back however long it has been quiet, and keeps the task from idling', () => {
    const st = new StreamTime(['a', 'b'], IDLE, 0);
    st.observe('a', 40_000, 0);
    st.observe('b', 30_000, 0);
    st.setBehind('b', true);
    expect(st.observe('a', 50_000, 20_000)).toBe(30_000);
    expect(st.tick(100_000)).toBe(30_000);
    // Caught up again: b is merely quiet, then the task is idle.
    st.setBehind('b', false);
    expect(st.tick(100_000)).toBe(50_000 + (100_000 - 30_000));
    expect(() => st.setBehind('c', true)).toThrow(/unknown input/);
  });

  test('a task that never saw a timestamp has nothing to advance', () => {
    const st = new StreamTime(['a'], IDLE, 0);
    expect(st.tick(1_000_000)).toBe(Number.NEGATIVE_INFINITY);
  });

  test('idleMs = Infinity disables the idle policy', () => {
    const st = new StreamTime(['a', 'b'], Number.POSITIVE_INFINITY, 0);
    st.observe('a', 5_000, 0);
    expect(st.tick(Number.MAX_SAFE_INTEGER)).toBe(Number.NEGATIVE_INFINITY);
    expect(() => new StreamTime(['a'], 0, 0)).toThrow(RangeError);
    expect(() => new StreamTime([], IDLE, 0)).toThrow(RangeError);
  });

  test('survives a round trip through offset metadata, also with odd input names', () => {
    const inputs = ['clicks.v1', 'odd;name=x', 'never'];
    const st = new StreamTime(inputs, IDLE, 0);
    st.observe('clicks.v1', 1_700_000_000_123, 5_000);
    st.observe('odd;name=x', 1_700_000_000_100, 5_000);
    st.tick(IDLE); // `never` idles (the others do not): stream time = the lower of the two
    const text = st.serialize();
    expect(text).toBe('st1;1700000000100;clicks.v1=1700000000123;odd%3Bname%3Dx=1700000000100;never=-');
    const back = StreamTime.restore(text, inputs, IDLE, 50_000);
    expect(back.current()).toBe(1_700_000_000_100);
    expect(back.snapshot()).toEqual(st.snapshot());
    // After a restart every input holds stream time for idleMs again; it stays where it was.
    expect(back.observe('clicks.v1', 1_700_000_000_500, 50_001)).toBe(1_700_000_000_100);
  });

  test('garbage metadata gives a fresh state, never an error', () => {
    for (const bad of [null, undefined, '', 'st1', 'st2;5', 'st1;x', 'st1;5;a', 'st1;5;=3', 'st1;5;%E0=3', 'st1;1e3']) {
      expect(parseStreamTime(bad)).toBeUndefined();
      const st = StreamTime.restore(bad, ['a'], IDLE, 0);
      expect(st.current()).toBe(Number.NEGATIVE_INFINITY);
    }
    expect(parseStreamTime('st1;-;a=-')?.highest.get('a')).toBe(Number.NEGATIVE_INFINITY);
    // Metadata of other inputs is ignored; missing inputs start unknown.
    const st = StreamTime.restore('st1;900;gone=1000', ['a'], IDLE, 0);
    expect([st.current(), st.snapshot().highest.get('a')]).toEqual([900, Number.NEGATIVE_INFINITY]);
  });
});
