import type { Kafka } from 'kafkajs';
import { changelogTopic } from './changelog.ts';
import { restorePartitions } from './restore.ts';
import { PartitionState } from './store.ts';
import type { Log, StoreSpecs } from './types.ts';

export interface RegistryOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Log;
  readonly onError: (e: unknown) => void;
}

interface Slot {
  readonly state: PartitionState;
  readonly ready: Promise<PartitionState>;
  restored: boolean;
}

/**
 * The partition-local stores of one hop. On every assignment it drops what it no longer owns
 * and restores what it owns from the changelogs, also partitions it kept: a member that missed a
 * generation cannot know whether another member wrote meanwhile, and compacted changelogs are
 * cheap to reread. Processing of a partition waits for `ready(partition)`.
 */
export class StoreRegistry {
  private slots = new Map<number, Slot>();
  private readonly topicToStore: Map<string, string>;

  private readonly kafka: Kafka;
  private readonly group: string;
  private readonly specs: StoreSpecs;
  private readonly options: RegistryOptions;

  constructor(kafka: Kafka, group: string, specs: StoreSpecs, options: RegistryOptions) {
    this.kafka = kafka;
    this.group = group;
    this.specs = specs;
    this.options = options;
    this.topicToStore = new Map(Object.keys(specs).map((s) => [changelogTopic(group, s), s]));
  }

  get enabled(): boolean {
    return this.topicToStore.size > 0;
  }

  get changelogTopics(): string[] {
    return [...this.topicToStore.keys()];
  }

  assign(partitions: readonly number[]): void {
    const fresh = new Map<number, PartitionState>(partitions.map((p) => [p, new PartitionState()]));
    const slots = new Map<number, Slot>();
    const restore = this.enabled
      ? restorePartitions(this.kafka, {
          group: this.group,
          topics: this.changelogTopics,
          partitions,
          timeoutMs: this.options.timeoutMs,
          signal: this.options.signal,
          log: this.options.log,
          onRecord: (topic, partition, key, value) => {
            const store = this.topicToStore.get(topic)!;
            const map = fresh.get(partition)!.store(store);
            value === null ? map.delete(key) : map.set(key, this.specs[store]!.decode(value));
          },
        })
      : Promise.resolve();
    // One failure handler; each slot's promise is then safe to leave unawaited.
    const settled = restore.catch((e: unknown) => {
      this.options.onError(e);
      throw e;
    });
    settled.catch(() => {});
    for (const [p, state] of fresh) {
      const slot: Slot = { state, restored: false, ready: settled.then(() => state) };
      slot.ready.then(
        () => {
          slot.restored = true;
        },
        () => {},
      );
      slots.set(p, slot);
    }
    this.slots = slots;
  }

  /** The partition's state once restored; rejects if the restore failed. */
  ready(partition: number): Promise<PartitionState> {
    const slot = this.slots.get(partition);
    return slot ? slot.ready : Promise.reject(new Error(`partition ${partition} is not assigned`));
  }

  get allRestored(): boolean {
    for (const slot of this.slots.values()) if (!slot.restored) return false;
    return true;
  }
}
