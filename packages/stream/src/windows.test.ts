import { describe, expect, test } from 'vitest';
import { jsonStore } from './store-codecs.ts';
import { parseWindowKey, type WindowEvent, WindowTable, windowKey, windowOf } from './windows.ts';

const options = { sizeMs: 60_000, graceMs: 10_000, codec: jsonStore<number>() };
const add = (n: number) => (current: number | undefined) => (current ?? 0) + n;
const brief = (events: WindowEvent<number>[]) => events.map((e) => `${e.type} ${e.key}@${e.start}=${e.value}`);

describe('windowOf', () => {
  test('a window holds [start, end): the end belongs to the next one; negative times floor', () => {
    expect(windowOf(0, 60_000)).toEqual({ start: 0, end: 60_000 });
    expect(windowOf(59_999, 60_000)).toEqual({ start: 0, end: 60_000 });
    expect(windowOf(60_000, 60_000)).toEqual({ start: 60_000, end: 120_000 });
    expect(windowOf(-1, 60_000)).toEqual({ start: -60_000, end: 0 });
  });
});

describe('a window table', () => {
  test('accepts a record until stream time reaches end + grace, then calls it late and leaves the window alone', () => {
    const table = new WindowTable(options);
    expect(table.update('u', 59_999, add(1), 59_999)).toBe('accepted');
    // Closed (end 60_000 <= 65_000) but within grace: still accepted.
    expect(table.update('u', 30_000, add(1), 69_999)).toBe('accepted');
    expect(table.update('u', 30_000, add(100), 70_000)).toBe('late');
    expect(table.get('u', 0)).toBe(2);
    // A late record never re-creates a window that became final.
    expect(brief(table.advance(70_000))).toEqual(['closed u@0=2', 'final u@0=2']);
    expect(table.update('u', 1, add(1), 0)).toBe('late');
    expect(table.size).toBe(0);
  });

  test('announces each window closed once, restates it after a later update, emits it final once and purges it', () => {
    const table = new WindowTable(options);
    table.update('a', 10_000, add(1), 10_000);
    table.update('b', 20_000, add(5), 20_000);
    table.update('a', 70_000, add(7), 70_000); // the next window; stream time 70_000 closes window 0
    expect(table.advance(59_999)).toEqual([]); // advance closes on the stream time it is given
    // The first advance that saw 70_000: window 0 closed and, with grace 10_000, also final.
    expect(brief(table.advance(70_000))).toEqual(['closed a@0=1', 'closed b@0=5', 'final a@0=1', 'final b@0=5']);

    table.update('c', 125_000, add(1), 125_000); // closes window 60_000 (end 120_000)
    expect(brief(table.advance(125_000))).toEqual(['closed a@60000=7']);
    expect(table.advance(125_000)).toEqual([]);
    table.update('a', 119_000, add(1), 126_000);
    table.update('a', 119_500, add(1), 127_000);
    expect(brief(table.advance(127_000))).toEqual(['restated a@60000=9']);
    expect(table.advance(128_000)).toEqual([]);
    // Created after its window closed (within grace): announced closed at the next advance, not restated.
    table.update('d', 61_000, add(3), 128_000);
    expect(brief(table.advance(128_000))).toEqual(['closed d@60000=3']);
    expect(table.size).toBe(3);
    expect(brief(table.advance(130_000))).toEqual(['final a@60000=9', 'final d@60000=3']);
    expect([table.get('a', 60_000), table.get('c', 120_000), table.size]).toEqual([undefined, 1, 1]);
  });

  test('writes one changelog record per changed window, and a tombstone when it becomes final', () => {
    const table = new WindowTable(options);
    table.update('a', 1_000, add(1), 1_000);
    table.update('a', 2_000, add(1), 2_000);
    table.update('b|x', 3_000, add(4), 3_000);
    expect(table.takeChanges()).toEqual([
      { key: '0|a', value: Buffer.from('2') },
      { key: '0|b|x', value: Buffer.from('4') },
    ]);
    expect(table.takeChanges()).toEqual([]);
    table.advance(60_000); // closed, not final: no change
    expect(table.takeChanges()).toEqual([]);
    table.advance(70_000);
    expect(table.takeChanges()).toEqual([
      { key: '0|a', value: null },
      { key: '0|b|x', value: null },
    ]);
  });

  test('restored from its changelog and stream time, it re-derives what was closed and emits only what was not', () => {
    const table = new WindowTable(options);
    const changelog = new Map<string, Buffer | null>();
    const commit = (streamTime: number) => {
      const events = table.advance(streamTime);
      for (const { key, value } of table.takeChanges()) changelog.set(key, value);
      return { events: brief(events), streamTime };
    };
    table.update('a', 10_000, add(1), 10_000);
    table.update('b', 50_000, add(2), 50_000);
    commit(50_000);
    table.update('a', 65_000, add(3), 65_000);
    const committed = commit(65_000);
    expect(committed.events).toEqual(['closed a@0=1', 'closed b@0=2']);

    const restored = WindowTable.restore(changelog, committed.streamTime, options);
    expect([restored.get('a', 0), restored.get('b', 0), restored.get('a', 60_000)]).toEqual([1, 2, 3]);
    // The closed windows are not announced again; an update to one is a restatement.
    expect(restored.advance(65_000)).toEqual([]);
    restored.update('b', 59_000, add(1), 66_000);
    expect(brief(restored.advance(66_000))).toEqual(['restated b@0=3']);
    expect(brief(restored.advance(125_000))).toEqual(['closed a@60000=3', 'final a@0=1', 'final b@0=3']);
    // What it emits after the restore is what the table would have emitted without one.
    table.update('b', 59_000, add(1), 66_000);
    expect(brief(table.advance(66_000))).toEqual(['restated b@0=3']);
    expect(brief(table.advance(125_000))).toEqual(['closed a@60000=3', 'final a@0=1', 'final b@0=3']);
  });

  test('restore applies tombstones and refuses a key it did not write', () => {
    const entries: Array<[string, Buffer | null]> = [
      ['0|a', Buffer.from('1')],
      ['0|a', null],
      ['60000|a', Buffer.from('2')],
    ];
    const table = WindowTable.restore(entries, Number.NEGATIVE_INFINITY, options);
    expect([table.get('a', 0), table.get('a', 60_000), table.size]).toEqual([undefined, 2, 1]);
    expect(brief(table.advance(120_000))).toEqual(['closed a@60000=2']);
    expect(() => WindowTable.restore([['garbage', null]], 0, options)).toThrow(/not a window changelog key/);
  });

  test('the changelog key round-trips any key and rejects anything else', () => {
    for (const [key, start] of [
      ['user-1', 0],
      ['a|b|', -60_000],
      ['', 1_700_000_040_000],
    ] as const) {
      expect(parseWindowKey(windowKey(key, start))).toEqual({ key, start });
    }
    for (const bad of ['', '|a', 'x|a', '1.5|a', 'noseparator', '99999999999999999999|a']) {
      expect(parseWindowKey(bad)).toBeUndefined();
    }
  });

  test('a rolled-back attempt or chunk leaves no trace', () => {
    const table = new WindowTable(options);
    table.update('a', 10_000, add(1), 10_000);
    table.advance(10_000);
    const chunk = table.undo.savepoint();
    table.update('a', 20_000, add(1), 20_000);
    const attempt = table.undo.savepoint();
    table.update('a', 30_000, add(100), 30_000); // the handler then throws
    table.update('z', 30_000, add(100), 30_000);
    table.undo.rollbackTo(attempt);
    expect([table.get('a', 0), table.get('z', 0)]).toEqual([2, undefined]);
    expect(brief(table.advance(80_000))).toEqual(['closed a@0=2', 'final a@0=2']);
    // The chunk's transaction failed: back to before it, and the retry emits the same events.
    table.undo.rollbackTo(chunk);
    expect([table.get('a', 0), table.size]).toEqual([1, 1]);
    table.update('a', 20_000, add(1), 20_000);
    expect(brief(table.advance(80_000))).toEqual(['closed a@0=2', 'final a@0=2']);
    table.undo.release();
  });
});
