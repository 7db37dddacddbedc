/**
 * Stream time of one task: one partition number across its co-partitioned inputs.
 *
 * Stream time is the lowest of the input partitions' highest seen record timestamps: no input
 * can still deliver an on-time record older than it (out-of-order records within an input are
 * allowed; they are what the grace period of windows is for). It never goes backwards.
 *
 * Idle policy (explicit, because a quiet partition would otherwise hold every window open):
 * - An input partition with no record for `idleMs` of wall-clock time stops holding stream
 *   time back; it holds it again from its next record on. An input that never had a record
 *   counts as idle `idleMs` after the task started (or was restored).
 * - When the whole task has had no record for `idleMs`, `tick(wallNow)` advances stream time
 *   with the wall clock: by the wall time elapsed since the task went idle (last record +
 *   `idleMs`), from where it was then (at least the highest timestamp seen). So windows and
 *   timers close without new input; a record that then arrives with an older timestamp is
 *   late, as a record delayed by more than the grace is. Only `tick` advances an idle task,
 *   never `observe`: the runtime ticks while it knows the task is idle, not merely unfetched.
 * - Quiet is not idle: an input partition the runtime marks `setBehind` (the broker has records
 *   it has not consumed: fetch lag > 0, or lag unknown, e.g. while the broker is away) holds
 *   stream time back whatever the wall clock, and the task is not idle while one is behind.
 *   Without this, a backlog after an outage or a lagging partition would arrive all late.
 * `idleMs = Infinity` turns the policy off. Wall time is always passed in, never read here.
 *
 * Time unknown (nothing seen, nothing restored) is `-Infinity`: every `end <= streamTime`
 * comparison is false, so nothing closes or expires before the first timestamp.
 */
export interface StreamTimeSnapshot {
  /** The stream time to resume from (`-Infinity` when unknown). */
  readonly streamTime: number;
  /** Per input: its highest seen timestamp. */
  readonly highest: ReadonlyMap<string, number>;
}

interface InputState {
  highest: number;
  /** Wall time of the input's last record (or of the task's start/restore). */
  lastWallMs: number;
  behind: boolean;
}

const PREFIX = 'st1';

export class StreamTime {
  private readonly inputs = new Map<string, InputState>();
  private readonly idleMs: number;
  private value: number;
  /** The stream time right after the last record: where an idle advance starts from. */
  private valueAtLastRecord: number;
  private lastRecordWallMs: number;

  constructor(inputs: readonly string[], idleMs: number, wallNowMs: number, from?: StreamTimeSnapshot) {
    if (inputs.length === 0) throw new RangeError('stream time needs at least one input');
    if (!(idleMs > 0)) throw new RangeError(`idleMs must be > 0, got ${idleMs}`);
    this.idleMs = idleMs;
    for (const input of inputs) {
      const highest = from?.highest.get(input) ?? Number.NEGATIVE_INFINITY;
      this.inputs.set(input, { highest, lastWallMs: wallNowMs, behind: false });
    }
    this.value = this.valueAtLastRecord = from?.streamTime ?? Number.NEGATIVE_INFINITY;
    this.lastRecordWallMs = wallNowMs;
  }

  /** Records a consumed record's timestamp; returns the stream time after it. */
  observe(input: string, timestampMs: number, wallNowMs: number): number {
    const state = this.input(input);
    if (Number.isFinite(timestampMs) && timestampMs > state.highest) state.highest = timestampMs;
    state.lastWallMs = Math.max(state.lastWallMs, wallNowMs);
    this.lastRecordWallMs = Math.max(this.lastRecordWallMs, wallNowMs);
    this.valueAtLastRecord = this.tick(wallNowMs);
    return this.value;
  }

  /** Whether the broker has records of this input partition not consumed yet (see the idle policy). */
  setBehind(input: string, behind: boolean): void {
    this.input(input).behind = behind;
  }

  /** Applies the idle policy at this wall time; returns the stream time. */
  tick(wallNowMs: number): number {
    let lowestActive = Number.POSITIVE_INFINITY;
    let highestSeen = Number.NEGATIVE_INFINITY;
    let anyActive = false;
    for (const s of this.inputs.values()) {
      highestSeen = Math.max(highestSeen, s.highest);
      if (s.behind || wallNowMs - s.lastWallMs < this.idleMs) {
        anyActive = true;
        lowestActive = Math.min(lowestActive, s.highest);
      }
    }
    if (anyActive) {
      this.value = Math.max(this.value, lowestActive);
    } else {
      // What stream time was when the task went idle: every input stopped holding it back.
      const base = Math.max(this.valueAtLastRecord, highestSeen);
      const idleSince = this.lastRecordWallMs + this.idleMs;
      // A task that never saw a timestamp has nothing to advance from.
      if (base > Number.NEGATIVE_INFINITY) this.value = Math.max(this.value, base + (wallNowMs - idleSince));
    }
    return this.value;
  }

  current(): number {
    return this.value;
  }

  private input(name: string): InputState {
    const state = this.inputs.get(name);
    if (!state) throw new RangeError(`unknown input ${name}`);
    return state;
  }

  snapshot(): StreamTimeSnapshot {
    return {
      streamTime: this.value,
      highest: new Map([...this.inputs].map(([input, s]) => [input, s.highest])),
    };
  }

  /** A compact string for offset-commit metadata: `st1;<streamTime>;<input>=<highest>;…`. */
  serialize(): string {
    const parts = [PREFIX, formatTime(this.value)];
    for (const [input, s] of this.inputs) parts.push(`${encodeURIComponent(input)}=${formatTime(s.highest)}`);
    return parts.join(';');
  }

  /**
   * The task's stream time restored from offset metadata; garbage or an empty string gives a
   * fresh state (never throws). Inputs not in the metadata start unknown; unknown ones are ignored.
   */
  static restore(metadata: string | null | undefined, inputs: readonly string[], idleMs: number, wallNowMs: number) {
    return new StreamTime(inputs, idleMs, wallNowMs, parseStreamTime(metadata));
  }
}

/** Parses `serialize()`'s output; undefined for anything else. */
export function parseStreamTime(metadata: string | null | undefined): StreamTimeSnapshot | undefined {
  if (typeof metadata !== 'string') return undefined;
  const [prefix, time, ...entries] = metadata.split(';');
  if (prefix !== PREFIX || time === undefined) return undefined;
  const streamTime = parseTime(time);
  if (streamTime === undefined) return undefined;
  const highest = new Map<string, number>();
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) return undefined;
    const value = parseTime(entry.slice(eq + 1));
    let input: string;
    try {
      input = decodeURIComponent(entry.slice(0, eq));
    } catch {
      return undefined;
    }
    if (value === undefined) return undefined;
    highest.set(input, value);
  }
  return { streamTime, highest };
}

function formatTime(ms: number): string {
  return Number.isFinite(ms) ? String(Math.trunc(ms)) : '-';
}

function parseTime(text: string): number | undefined {
  if (text === '-') return Number.NEGATIVE_INFINITY;
  if (!/^-?\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
