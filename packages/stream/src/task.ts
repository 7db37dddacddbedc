import { FailureBreaker } from './control.ts';
import type { EventState } from './event-state.ts';
import { PartitionState } from './store.ts';

/**
 * One partition number of a hop: partition p of every (co-partitioned) input and p's stores.
 * Its work runs serially, so two chunks of partition p (of one input or of two) never run at once
 * and never race on p's state.
 */
export class Task {
  readonly partition: number;
  state = new PartitionState();
  /** The generation the task was last opened in (producer fenced, stores restored). */
  generation = -1;
  /** Input topics whose committed offset this generation was compared with the fetch position. */
  readonly checked = new Set<string>();
  /** Stateful hops: stream time, windows, timers, TTL expiry (event-state.ts). */
  event: EventState | undefined;
  /**
   * Inputs (by name) whose partition p has records fetched and not handled yet, or more on the
   * broker: they hold stream time back however long they are quiet (stream-time.ts, idle policy).
   * Kept here, not only in `event`, so a fetch that comes before the task is restored counts.
   */
  readonly behind = new Set<string>();
  /** Per input topic: the next offset committed for this partition (where an idle tick commits). */
  readonly positions = new Map<string, string>();
  /**
   * CPU per wall-clock microsecond of the task's last chunk of messages, waits included: what a
   * handler's own spans are charged per µs of their self wall time (cpu-account.ts). Unknown
   * before the first chunk, so 0: the process span then carries all of its message's CPU.
   */
  cpuRate = 0;
  readonly breaker: FailureBreaker;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(partition: number, maxConsecutiveFailures: number) {
    this.partition = partition;
    this.breaker = new FailureBreaker(maxConsecutiveFailures);
  }

  setBehind(input: string, behind: boolean): void {
    if (behind) this.behind.add(input);
    else this.behind.delete(input);
    this.event?.streamTime.setBehind(input, behind);
  }

  /** Runs `work` after everything queued before it on this task. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => {});
    return result;
  }
}
