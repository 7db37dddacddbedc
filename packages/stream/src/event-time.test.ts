import { expect, test } from 'vitest';
import { jsonStore } from './store-codecs.ts';
import { StreamTime } from './stream-time.ts';
import { Timers } from './timers.ts';
import { type WindowEvent, WindowTable } from './windows.ts';

// How the blocks compose in a task, as the runtime will drive them: per chunk, observe each
// record, update windows, then advance windows and fire timers on the stream time it commits,
// with the stream time in the offset metadata and window and timer changes in changelogs.
const options = { sizeMs: 60_000, graceMs: 5_000, codec: jsonStore<number>() };
const brief = (events: WindowEvent<number>[]) => events.map((e) => `${e.type} ${e.key}@${e.start}=${e.value}`);

test('an idle task closes its window and fires its timer by the wall clock, and a restart re-emits neither', () => {
  const windowLog = new Map<string, Buffer | null>();
  const timerLog = new Map<string, Buffer | null>();
  let metadata = '';
  let time = new StreamTime(['clicks', 'impressions'], 10_000, 0);
  let windows = new WindowTable(options);
  let timers = new Timers();
  const endOfChunk = (streamTime: number) => {
    const events = brief(windows.advance(streamTime));
    const fired = timers.due(streamTime).map((t) => `${t.name}:${t.key}`);
    for (const { key, value } of windows.takeChanges()) windowLog.set(key, value);
    for (const { key, value } of timers.takeChanges()) timerLog.set(key, value);
    metadata = time.serialize(); // committed with the offsets, in the same transaction
    return [...events, ...fired];
  };

  // One chunk: two clicks and an impression in window [0, 60 000); a timer at 62 000.
  for (const [input, ts] of [
    ['clicks', 10_000],
    ['impressions', 20_000],
    ['clicks', 30_000],
  ] as const) {
    const st = time.observe(input, ts, 1_000);
    windows.update('user-1', ts, (n) => (n ?? 0) + 1, st);
  }
  timers.schedule('attribution', 'user-1', 62_000);
  expect(endOfChunk(time.current())).toEqual([]);

  // No more input. After idleMs the task is idle and stream time follows the wall clock.
  expect(endOfChunk(time.tick(11_000))).toEqual([]); // idle since 11 000, stream time 30 000
  expect(endOfChunk(time.tick(41_000))).toEqual(['closed user-1@0=3']); // 60 000
  expect(endOfChunk(time.tick(43_000))).toEqual(['attribution:user-1']); // 62 000

  // Restart: everything comes back from the offset metadata and the changelogs.
  time = StreamTime.restore(metadata, ['clicks', 'impressions'], 10_000, 100_000);
  windows = WindowTable.restore(windowLog, time.current(), options);
  timers = Timers.restore(timerLog);
  expect([time.current(), windows.get('user-1', 0), timers.size]).toEqual([62_000, 3, 0]);
  expect(endOfChunk(time.current())).toEqual([]);
  // A click within the grace (62 000 < end 60 000 + grace 5 000) restates the restored window.
  const st = time.observe('clicks', 59_000, 100_001);
  expect(windows.update('user-1', 59_000, (n) => (n ?? 0) + 1, st)).toBe('accepted');
  expect(endOfChunk(st)).toEqual(['restated user-1@0=4']);
  // The restored task idles again (from 110 001): the window becomes final without new input.
  expect(endOfChunk(time.tick(112_999))).toEqual([]); // 64 998
  expect(endOfChunk(time.tick(113_001))).toEqual(['final user-1@0=4']); // 65 000
  expect(windows.update('user-1', 1_000, (n) => (n ?? 0) + 1, time.current())).toBe('late');
});
