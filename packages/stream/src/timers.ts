import { MinHeap } from './min-heap.ts';
import { UndoLog } from './undo-log.ts';

/**
 * Timers on stream time, per task: at most one timer per (name, key); scheduling again moves
 * it. `due(t)` removes and returns every timer with at <= t, ordered by (at, name, key), so a
 * replay fires the same timers in the same order whatever the wall clock (an idle task's
 * stream time advances by the idle policy, see stream-time.ts, so timers fire without input).
 *
 * Cost: a min-heap with lazy deletion; moved or cancelled timers leave stale heap entries that
 * are skipped when they surface, and the heap is rebuilt once they outnumber the live timers,
 * so heavy rescheduling (a session timeout pushed back on every event) stays O(log n) amortized.
 *
 * Changelog and restore, as windows.ts: `takeChanges()` gives one record per (name, key)
 * changed since the last call (key `timerKey(name, key)`, value `at` in decimal, a tombstone
 * once fired or cancelled); `Timers.restore(entries)` rebuilds them. Timers that were due
 * before a restart but whose firing never committed fire at the next `due`. `undo` rolls back
 * a failed attempt or chunk, fired timers included.
 */
export interface Timer {
  readonly name: string;
  readonly key: string;
  readonly at: number;
}

interface Entry {
  readonly timer: Timer;
  readonly seq: number;
}

/** `<name>|<key>`: names are the hop's own constants and may not contain `|`; keys may hold anything. */
export function timerKey(name: string, key: string): string {
  if (name.includes('|') || name === '') throw new RangeError(`a timer name must be non-empty without '|': ${name}`);
  return `${name}|${key}`;
}

export function parseTimerKey(text: string): { name: string; key: string } | undefined {
  const bar = text.indexOf('|');
  return bar <= 0 ? undefined : { name: text.slice(0, bar), key: text.slice(bar + 1) };
}

const before = (a: Entry, b: Entry): boolean => {
  const x = a.timer;
  const y = b.timer;
  if (x.at !== y.at) return x.at < y.at;
  if (x.name !== y.name) return x.name < y.name;
  return x.key < y.key;
};

export class Timers {
  readonly undo = new UndoLog();
  private readonly live = new Map<string, Entry>();
  private heap = new MinHeap<Entry>(before);
  private seq = 0;
  private readonly changed = new Set<string>();

  static restore(entries: Iterable<readonly [string, Buffer | null]>): Timers {
    const timers = new Timers();
    for (const [id, bytes] of entries) {
      const ref = parseTimerKey(id);
      const text = bytes?.toString('utf8');
      const at = text === undefined ? 0 : /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
      if (!ref || !Number.isSafeInteger(at)) throw new TypeError(`not a timer changelog record: ${JSON.stringify(id)}`);
      timers.set(id, bytes === null ? undefined : { ...ref, at });
    }
    timers.changed.clear();
    return timers;
  }

  get size(): number {
    return this.live.size;
  }

  /** When the timer fires, if scheduled. */
  get(name: string, key: string): number | undefined {
    return this.live.get(timerKey(name, key))?.timer.at;
  }

  schedule(name: string, key: string, atMs: number): void {
    if (!Number.isSafeInteger(atMs)) throw new RangeError(`a timer's time must be an integer ms, got ${atMs}`);
    this.set(timerKey(name, key), { name, key, at: atMs });
  }

  /** Returns whether a timer was scheduled. */
  cancel(name: string, key: string): boolean {
    const id = timerKey(name, key);
    if (!this.live.has(id)) return false;
    this.set(id, undefined);
    return true;
  }

  due(streamTime: number): Timer[] {
    const out: Timer[] = [];
    for (let top = this.heap.peek(); top !== undefined && top.timer.at <= streamTime; top = this.heap.peek()) {
      this.heap.pop();
      const id = timerKey(top.timer.name, top.timer.key);
      if (this.live.get(id)?.seq !== top.seq) continue; // moved or cancelled
      this.set(id, undefined);
      out.push(top.timer);
    }
    return out;
  }

  /** Changelog records for the timers changed since the last call: `at` or a tombstone. */
  takeChanges(): Array<{ key: string; value: Buffer | null }> {
    const out = [...this.changed].map((id) => {
      const entry = this.live.get(id);
      return { key: id, value: entry ? Buffer.from(String(entry.timer.at)) : null };
    });
    this.changed.clear();
    return out;
  }

  private set(id: string, timer: Timer | undefined): void {
    const previous = this.live.get(id)?.timer;
    if (timer) {
      const entry = { timer, seq: this.seq++ };
      this.live.set(id, entry);
      this.heap.push(entry);
    } else {
      this.live.delete(id);
    }
    this.changed.add(id);
    this.undo.record(() => this.set(id, previous));
    // Stale entries are heap entries beyond the live timers; rebuild when they dominate.
    if (this.heap.size > 1024 && this.heap.size > 2 * this.live.size) {
      this.heap = new MinHeap<Entry>(before);
      for (const entry of this.live.values()) this.heap.push(entry);
    }
  }
}
