import { changelogTopic } from './changelog.ts';
import type { Delivery } from './delivery.ts';
import type { KafkaPort } from './kafka/port.ts';
import { restorePartitions } from './restore.ts';
import { PartitionState } from './store.ts';
import { Task } from './task.ts';
import type { Log, StoreSpecs } from './types.ts';

export interface TasksOptions {
  readonly port: KafkaPort;
  readonly group: string;
  readonly stores: StoreSpecs;
  readonly delivery: Delivery;
  readonly maxConsecutiveFailures: number;
  readonly restoreTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Log;
  onError(error: unknown): void;
}

/**
 * The tasks of one hop member. On every assignment each owned task is (re)opened inside its own
 * serial queue, after the chunks it already had: exactly-once, its transactional id is
 * initialized first — which fences a previous owner and aborts (or completes) the transaction
 * it left open — and only then are its stores restored from the changelogs, so they hold
 * everything any committed transaction wrote and nothing more. Kept partitions are reopened too:
 * a member that missed a generation cannot know whether another member wrote meanwhile.
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

  /** Every task of the last assignment is open. */
  get ready(): boolean {
    return this.openedAll;
  }

  assign(partitions: readonly number[], generation: number): void {
    const { delivery, stores } = this.options;
    for (const [p, task] of this.tasks) {
      if (partitions.includes(p)) continue;
      this.tasks.delete(p);
      void task.run(() => delivery.close(task)).catch(() => {});
    }
    const owned = partitions.map((p) => {
      const task = this.tasks.get(p) ?? new Task(p, this.options.maxConsecutiveFailures);
      this.tasks.set(p, task);
      task.checked.clear();
      return task;
    });
    const fenced = Promise.all(owned.map((task) => task.run(() => delivery.open(task))));
    const restored = fenced.then(() => this.restore(partitions, Object.keys(stores)));
    this.openedAll = false;
    const opened = Promise.all(
      owned.map((task) =>
        task.run(async () => {
          task.state = (await restored).get(task.partition) ?? new PartitionState();
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

  private async restore(partitions: readonly number[], names: readonly string[]): Promise<Map<number, PartitionState>> {
    const states = new Map(partitions.map((p) => [p, new PartitionState()]));
    if (names.length === 0 || partitions.length === 0) return states;
    const byTopic = new Map(names.map((s) => [changelogTopic(this.options.group, s), s]));
    await restorePartitions(this.options.port, {
      topics: [...byTopic.keys()],
      partitions,
      timeoutMs: this.options.restoreTimeoutMs,
      signal: this.options.signal,
      log: this.options.log,
      onRecord: (topic, partition, key, value) => {
        const store = byTopic.get(topic)!;
        const map = states.get(partition)!.store(store);
        value === null ? map.delete(key) : map.set(key, this.options.stores[store]!.decode(value));
      },
    });
    return states;
  }

  /** Closes every task's producer (after the drain). */
  async close(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((t) => this.options.delivery.close(t).catch(() => {})));
  }
}
