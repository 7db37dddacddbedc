import type { StoreSpec } from './types.ts';
import { UndoLog } from './undo-log.ts';

/**
 * Tumbling event-time windows with a grace period, per key, on stream time.
 *
 * Window [start, end) of size `sizeMs` holds the records with start <= timestamp < end. With
 * stream time t (see stream-time.ts):
 * - a record is accepted while t < end + grace; from then on it is **late**: not applied, and
 *   `update` says so, for the runtime to count and side-output it (never dropped silently);
 * - `advance(t)` reports each window once as **closed** (end <= t: its first result), as
 *   **restated** when a record updated it after it closed (at most once per advance), and
 *   once as **final** (end + grace <= t: nothing can change it any more), when it is removed.
 *   Within one advance: closed events, then restated, then final. A consumer that emits early
 *   results uses closed + restated; one that emits only final values uses final. A final
 *   event's value is the value of the window's last closed or restated event.
 *
 * Changelog and restore. `takeChanges()` gives one record per window changed since the last
 * call (key `windowKey(key, start)`, value the encoded aggregate, a tombstone once final), for
 * a compacted changelog. "Already closed" is not stored: it is derived from stream time, so
 * the runtime must call `advance(t)` at the end of every chunk, before its transaction commits,
 * with the stream time t that it commits. Then the windows announced before a restart are
 * exactly those with end <= t, and `restore(entries, t)` re-derives them without emitting
 * them again (a restored window that is already final by t is emitted final at the next
 * advance, since its tombstone, and so its final event, never committed).
 *
 * Rollback: `undo` (an UndoLog) takes savepoints per chunk and per attempt, so a failed attempt
 * does not apply its updates twice. Values are encoded at `takeChanges`, not at `update`.
 */
export interface Window {
  readonly start: number;
  readonly end: number;
}

export function windowOf(timestampMs: number, sizeMs: number): Window {
  const start = Math.floor(timestampMs / sizeMs) * sizeMs;
  return { start, end: start + sizeMs };
}

export interface WindowEvent<V> {
  readonly type: 'closed' | 'restated' | 'final';
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export interface WindowTableOptions<V> {
  readonly sizeMs: number;
  readonly graceMs: number;
  readonly codec: StoreSpec<V>;
}

/** The changelog key of (key, window start): `<start>|<key>`, so any key survives. */
export function windowKey(key: string, start: number): string {
  return `${start}|${key}`;
}

export function parseWindowKey(text: string): { key: string; start: number } | undefined {
  const bar = text.indexOf('|');
  const start = Number(text.slice(0, bar));
  if (bar <= 0 || !/^-?\d+$/.test(text.slice(0, bar)) || !Number.isSafeInteger(start)) return undefined;
  return { key: text.slice(bar + 1), start };
}

interface Slot<V> {
  readonly value: V;
  readonly announced: boolean;
}
interface Ref {
  readonly key: string;
  readonly start: number;
}

export class WindowTable<V> {
  readonly undo = new UndoLog();
  private readonly options: WindowTableOptions<V>;
  private readonly groups = new Map<number, Map<string, Slot<V>>>();
  /** The starts present in `groups`, ascending. */
  private readonly starts: number[] = [];
  /** Windows created after stream time had passed their end: not yet announced closed. */
  private readonly pendingClose = new Map<string, Ref>();
  private readonly restated = new Map<string, Ref>();
  private readonly changed = new Map<string, Ref>();
  /** The stream time of the last advance: every window ending at or before it was announced. */
  private closedThrough = Number.NEGATIVE_INFINITY;

  constructor(options: WindowTableOptions<V>) {
    if (!(options.sizeMs > 0) || !(options.graceMs >= 0)) throw new RangeError('sizeMs must be > 0 and graceMs >= 0');
    this.options = options;
  }

  /** Restores a table from its changelog (in order, or a compacted map of it) and the committed stream time. */
  static restore<V>(
    entries: Iterable<readonly [string, Buffer | null]>,
    streamTime: number,
    options: WindowTableOptions<V>,
  ): WindowTable<V> {
    const table = new WindowTable(options);
    table.closedThrough = streamTime;
    for (const [text, bytes] of entries) {
      const ref = parseWindowKey(text);
      if (!ref) throw new TypeError(`not a window changelog key: ${JSON.stringify(text)}`);
      const announced = ref.start + options.sizeMs <= streamTime;
      table.put(ref.start, ref.key, bytes === null ? undefined : { value: options.codec.decode(bytes), announced });
    }
    return table;
  }

  get size(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.size;
    return n;
  }

  get(key: string, start: number): V | undefined {
    return this.groups.get(start)?.get(key)?.value;
  }

  /**
   * Applies `fn` to the record's window unless the record is late (then nothing changes). `fn`
   * must return a new value, not mutate `current`: events and the undo log hold the old one.
   */
  update(key: string, timestampMs: number, fn: (current: V | undefined) => V, streamTime: number): 'accepted' | 'late' {
    const now = Math.max(streamTime, this.closedThrough);
    const { start, end } = windowOf(timestampMs, this.options.sizeMs);
    if (now >= end + this.options.graceMs) return 'late';
    const id = windowKey(key, start);
    const ref = { key, start };
    const slot = this.groups.get(start)?.get(key);
    const value = fn(slot?.value);
    this.put(start, key, { value, announced: slot?.announced ?? false });
    if (!slot && end <= this.closedThrough) this.mark(this.pendingClose, id, ref);
    if (slot?.announced) this.mark(this.restated, id, ref);
    this.changed.set(id, ref);
    return 'accepted';
  }

  advance(streamTime: number): WindowEvent<V>[] {
    const t = Math.max(streamTime, this.closedThrough);
    const { sizeMs, graceMs } = this.options;
    const events: WindowEvent<V>[] = [];
    const emit = (type: WindowEvent<V>['type'], key: string, start: number, value: V) =>
      events.push({ type, key, start, end: start + sizeMs, value });

    for (const start of this.starts) {
      if (start + sizeMs <= this.closedThrough) continue;
      if (start + sizeMs > t) break;
      for (const [key, slot] of this.groups.get(start)!) {
        if (slot.announced) continue;
        emit('closed', key, start, slot.value);
        this.put(start, key, { value: slot.value, announced: true });
      }
    }
    for (const { key, start } of this.drain(this.pendingClose)) {
      const slot = this.groups.get(start)?.get(key);
      if (!slot || slot.announced) continue;
      emit('closed', key, start, slot.value);
      this.put(start, key, { value: slot.value, announced: true });
    }
    for (const { key, start } of this.drain(this.restated)) {
      const slot = this.groups.get(start)?.get(key);
      if (slot) emit('restated', key, start, slot.value);
    }
    const before = this.closedThrough;
    this.closedThrough = t;
    this.undo.record(() => {
      this.closedThrough = before;
    });
    while (this.starts.length > 0 && this.starts[0]! + sizeMs + graceMs <= t) {
      const start = this.starts[0]!;
      for (const [key, slot] of [...this.groups.get(start)!]) {
        emit('final', key, start, slot.value);
        this.put(start, key, undefined);
        this.changed.set(windowKey(key, start), { key, start });
      }
    }
    return events;
  }

  /** The changelog records for the windows changed since the last call: value or tombstone. */
  takeChanges(): Array<{ key: string; value: Buffer | null }> {
    const out = [...this.changed].map(([id, { key, start }]) => {
      const slot = this.groups.get(start)?.get(key);
      return { key: id, value: slot ? this.options.codec.encode(slot.value) : null };
    });
    this.changed.clear();
    return out;
  }

  private put(start: number, key: string, slot: Slot<V> | undefined): void {
    let group = this.groups.get(start);
    const before = group?.get(key);
    if (slot) {
      if (!group) {
        group = new Map();
        this.groups.set(start, group);
        const at = this.starts.findIndex((s) => s > start);
        this.starts.splice(at === -1 ? this.starts.length : at, 0, start);
      }
      group.set(key, slot);
    } else if (group?.delete(key) && group.size === 0) {
      this.groups.delete(start);
      this.starts.splice(this.starts.indexOf(start), 1);
    }
    this.undo.record(() => this.put(start, key, before));
  }

  private mark(set: Map<string, Ref>, id: string, ref: Ref): void {
    if (set.has(id)) return;
    set.set(id, ref);
    this.undo.record(() => set.delete(id));
  }

  private drain(set: Map<string, Ref>): Ref[] {
    const refs = [...set.values()];
    const saved = [...set];
    set.clear();
    this.undo.record(() => {
      for (const [id, ref] of saved) set.set(id, ref);
    });
    return refs;
  }
}
