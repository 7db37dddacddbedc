import { changelogTopic } from './changelog.ts';
import { DedupeSegments, restoreDedupe } from './dedupe-segments.ts';
import { changelogCodec, changelogNames, DEDUPE_STORE, type EventPlan, EventState } from './event-state.ts';
import type { KafkaPort } from './kafka/port.ts';
import { restorePartitions } from './restore.ts';
import { PartitionState } from './store.ts';
import { parseStreamTime } from './stream-time.ts';
import { Task } from './task.ts';
import type { Log } from './types.ts';

export interface TasksOptions {
  readonly port: KafkaPort;
  readonly group: string;
  /** Input topic → input name. */
  readonly inputs: ReadonlyMap<string, string>;
  /** Stores, windows, timers; undefined for a stateless hop. */
  readonly event: EventPlan | undefined;
  readonly maxConsecutiveFailures: number;
  readonly restoreTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Log;
  onError(error: unknown): void;
}

interface Restored {
  readonly metadata: string | null;
  readonly positions: Map<string, string>;
  readonly changelogs: Map<string, Map<string, Buffer | null>>;
}

/**
 * The tasks of one hop member. On every assignment each owned task is (re)opened inside its own
 * serial queue, after the chunks it already had: its committed offsets (with the stream time
 * committed as their metadata) are read once no open transaction holds them — the previous
 * owner's last transaction has committed or been aborted (stable-offsets.ts) — and then its
 * changelogs (stores, windows, timers), read committed, so the task holds everything any
 * committed transaction wrote and nothing more. Kept partitions are reopened too: a member that
 * missed a generation cannot know whether another member wrote meanwhile.
 */
export class Tasks {
  private readonly tasks = new Map<number, Task>();
  private readonly options: TasksOptions;
  private opened: Promise<unknown> = Promise.resolve();
  private openedAll = false;

  constructor(options: TasksOptions) {
    this.options = options;
  }

  get(partition: number): Task | undefined {
    return this.tasks.get(partition);
  }

  all(): Task[] {
    return [...this.tasks.values()];
  }

  /** Every task of the last assignment is open. */
  get ready(): boolean {
    return this.openedAll;
  }

  assign(partitions: readonly number[], generation: number): void {
    for (const p of this.tasks.keys()) if (!partitions.includes(p)) this.tasks.delete(p);
    const owned = partitions.map((p) => {
      const task = this.tasks.get(p) ?? new Task(p, this.options.maxConsecutiveFailures);
      this.tasks.set(p, task);
      task.checked.clear();
      return task;
    });
    const restored = this.restore(partitions);
    this.openedAll = false;
    const opened = Promise.all(
      owned.map((task) =>
        task.run(async () => {
          const r = (await restored).get(task.partition)!;
          this.install(task, r);
          task.generation = generation;
        }),
      ),
    );
    this.opened = opened;
    opened.then(
      () => {
        if (this.opened === opened) this.openedAll = true;
      },
      (error: unknown) => {
        if (!this.options.signal.aborted) this.options.onError(error);
      },
    );
  }

  private install(task: Task, restored: Restored): void {
    const plan = this.options.event;
    task.positions.clear();
    for (const [t, o] of restored.positions) task.positions.set(t, o);
    task.state = new PartitionState();
    task.event = undefined;
    if (!plan) return;
    const dedupe = plan.stores[DEDUPE_STORE] ? new DedupeSegments() : undefined;
    for (const [name, spec] of Object.entries(plan.stores)) {
      const map = task.state.store(name);
      const records = restored.changelogs.get(name) ?? new Map<string, Buffer | null>();
      if (name === DEDUPE_STORE && dedupe) {
        restoreDedupe(records, map, dedupe);
        continue;
      }
      const codec = changelogCodec(spec);
      for (const [key, bytes] of records) {
        if (bytes !== null) map.set(key, codec.decode(bytes));
      }
    }
    task.event = new EventState(
      plan,
      {
        metadata: restored.metadata,
        changelogs: restored.changelogs,
        stores: task.state.stores,
        ...(dedupe && { dedupe }),
      },
      task.behind,
    );
  }

  /** Committed offsets and stream time of every input, then the changelogs, per partition. */
  private async restore(partitions: readonly number[]): Promise<Map<number, Restored>> {
    const { port, group, inputs, event } = this.options;
    const out = new Map<number, Restored>(
      partitions.map((p) => [p, { metadata: null, positions: new Map(), changelogs: new Map() }]),
    );
    if (partitions.length === 0) return out;
    // Stream time never goes back: the latest commit of any input carries the highest.
    const best = new Map<number, number>();
    await port.admin(async (admin) => {
      for (const topic of inputs.keys()) {
        for (const [p, { offset, metadata }] of await admin.committed(group, topic)) {
          const r = out.get(p);
          if (!r || BigInt(offset) < 0n) continue;
          r.positions.set(topic, offset);
          const time = streamTimeOf(metadata);
          if (metadata && time >= (best.get(p) ?? Number.NEGATIVE_INFINITY)) {
            best.set(p, time);
            out.set(p, { ...r, metadata });
          }
        }
      }
    });
    const names = event ? changelogNames(event) : [];
    if (names.length === 0) return out;
    const byTopic = new Map(names.map((s) => [changelogTopic(group, s), s]));
    await restorePartitions(port, {
      topics: [...byTopic.keys()],
      partitions,
      timeoutMs: this.options.restoreTimeoutMs,
      signal: this.options.signal,
      log: this.options.log,
      onRecord: (topic, partition, key, value) => {
        const name = byTopic.get(topic)!;
        const changelogs = out.get(partition)!.changelogs;
        const map = changelogs.get(name) ?? new Map<string, Buffer | null>();
        changelogs.set(name, map);
        map.set(key, value);
      },
    });
    return out;
  }
}

function streamTimeOf(metadata: string | null): number {
  return parseStreamTime(metadata)?.streamTime ?? Number.NEGATIVE_INFINITY;
}
