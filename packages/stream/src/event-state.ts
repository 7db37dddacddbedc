import { changelogTopic } from './changelog.ts';
import type { DedupeSegments } from './dedupe-segments.ts';
import { StreamTime, type StreamTimeSnapshot } from './stream-time.ts';
import { Timers } from './timers.ts';
import { type Expiring, ExpiryIndex, ttlCodec } from './ttl.ts';
import type { StoreSpec, StoreSpecs, WindowSpecs } from './types.ts';
import { WindowTable } from './windows.ts';

/** The internal TTL store of seen de-duplication keys. */
export const DEDUPE_STORE = 'dedupe';
export const TIMERS_CHANGELOG = 'timers';
export const windowChangelog = (window: string) => `window-${window}`;

/** What a hop keeps in event time: its inputs' names, windows, TTL stores, idle policy. */
export interface EventPlan {
  readonly inputs: readonly string[];
  readonly windows: WindowSpecs;
  /** Every store the runtime keeps, the internal de-duplication store included. */
  readonly stores: StoreSpecs;
  readonly timers: boolean;
  readonly idleMs: number;
}

/** The codec a store's changelog holds: TTL stores frame each value with its expiry. */
export function changelogCodec(spec: StoreSpec<unknown>): StoreSpec<unknown> {
  return spec.ttlMs === undefined ? spec : (ttlCodec(spec) as StoreSpec<unknown>);
}

/** Every changelog a hop needs, by its store name (changelog.ts names the topics). */
export function changelogNames(plan: Pick<EventPlan, 'stores' | 'windows' | 'timers'>): string[] {
  return [
    ...Object.keys(plan.stores),
    ...Object.keys(plan.windows).map(windowChangelog),
    ...(plan.timers ? [TIMERS_CHANGELOG] : []),
  ];
}

/**
 * A task's event-time state: its stream time (committed with its offsets as metadata), window
 * tables and timers (each backed by a compacted changelog), and the expiry index of each TTL
 * store. A chunk takes a savepoint first; if it does not commit, everything rolls back to it.
 */
export class EventState {
  streamTime: StreamTime;
  readonly windows = new Map<string, WindowTable<unknown>>();
  timers: Timers;
  readonly expiry = new Map<string, ExpiryIndex>();
  /** The de-duplication store's changelog segments (dedupe-segments.ts), if the hop de-duplicates. */
  readonly dedupe: DedupeSegments | undefined;
  private readonly plan: EventPlan;
  /** Inputs the broker has records of not handled yet (the task's, task.ts): applied to every new stream time. */
  private readonly behind: ReadonlySet<string>;
  private saved: { time: StreamTimeSnapshot; windows: Map<string, number>; timers: number } | undefined;

  constructor(
    plan: EventPlan,
    restored: {
      readonly metadata: string | null;
      readonly changelogs: ReadonlyMap<string, ReadonlyMap<string, Buffer | null>>;
      readonly stores: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
      readonly dedupe?: DedupeSegments;
    },
    behind: ReadonlySet<string> = new Set(),
  ) {
    this.plan = plan;
    this.behind = behind;
    this.dedupe = restored.dedupe;
    this.streamTime = StreamTime.restore(restored.metadata, plan.inputs, plan.idleMs, Date.now());
    for (const input of behind) this.streamTime.setBehind(input, true);
    const now = this.streamTime.current();
    for (const [name, spec] of Object.entries(plan.windows)) {
      const entries = restored.changelogs.get(windowChangelog(name)) ?? new Map();
      this.windows.set(name, WindowTable.restore(entries, now, { ...spec, codec: spec.codec }));
    }
    this.timers = Timers.restore(restored.changelogs.get(TIMERS_CHANGELOG) ?? new Map());
    this.rebuildExpiry(restored.stores);
  }

  /** Rebuilds the TTL stores' expiry indexes from the partition's committed entries. */
  rebuildExpiry(stores: ReadonlyMap<string, ReadonlyMap<string, unknown>>): void {
    for (const [name, spec] of Object.entries(this.plan.stores)) {
      if (spec.ttlMs === undefined) continue;
      const entries = (stores.get(name) ?? new Map()) as ReadonlyMap<string, Expiring<unknown>>;
      this.expiry.set(name, ExpiryIndex.of(entries));
    }
  }

  begin(): void {
    const windows = new Map([...this.windows].map(([n, t]) => [n, t.undo.savepoint()]));
    this.saved = { time: this.streamTime.snapshot(), windows, timers: this.timers.undo.savepoint() };
  }

  /** The chunk is durable: forget the undo steps. */
  commit(): void {
    for (const t of this.windows.values()) t.undo.release();
    this.timers.undo.release();
    this.saved = undefined;
  }

  /** The chunk was not committed: back to where it began. */
  rollback(stores: ReadonlyMap<string, ReadonlyMap<string, unknown>>): void {
    const saved = this.saved;
    if (!saved) return;
    for (const [name, table] of this.windows) {
      table.undo.rollbackTo(saved.windows.get(name) ?? 0);
      table.undo.release();
    }
    this.timers.undo.rollbackTo(saved.timers);
    this.timers.undo.release();
    this.streamTime = new StreamTime(this.plan.inputs, this.plan.idleMs, Date.now(), saved.time);
    for (const input of this.behind) this.streamTime.setBehind(input, true);
    this.rebuildExpiry(stores);
    this.dedupe?.rollback();
    this.saved = undefined;
  }

  /** Changelog records of the windows and timers changed since the last call. */
  changes(group: string): { topic: string; key: string; value: Buffer | null }[] {
    const out: { topic: string; key: string; value: Buffer | null }[] = [];
    for (const [name, table] of this.windows) {
      for (const c of table.takeChanges()) out.push({ topic: changelogTopic(group, windowChangelog(name)), ...c });
    }
    for (const c of this.timers.takeChanges()) out.push({ topic: changelogTopic(group, TIMERS_CHANGELOG), ...c });
    return out;
  }
}
