import type { KeyValueStore, StoreSpec } from './types.ts';

export const DELETED: unique symbol = Symbol('deleted');
type Entry = { readonly value: unknown; readonly bytes: Buffer | null };

/** The restored contents of every store for one partition. */
export class PartitionState {
  readonly stores = new Map<string, Map<string, unknown>>();
  store(name: string): Map<string, unknown> {
    const map = this.stores.get(name) ?? new Map<string, unknown>();
    this.stores.set(name, map);
    return map;
  }
}

/**
 * A layer of writes not yet durable: one per message attempt (dropped if the handler fails),
 * merged into one per chunk (applied to the partition state only once Kafka has the chunk).
 */
export class Writes {
  /** Made at the first write: most messages' own layer stays empty (a stateless hop writes nothing). */
  private byStore: Map<string, Map<string, Entry>> | undefined;

  set(store: string, key: string, entry: Entry): void {
    this.byStore ??= new Map();
    const m = this.byStore.get(store) ?? new Map<string, Entry>();
    this.byStore.set(store, m);
    m.set(key, entry);
  }

  get(store: string, key: string): Entry | undefined {
    return this.byStore?.get(store)?.get(key);
  }

  mergeInto(target: Writes): void {
    if (!this.byStore) return;
    for (const [store, m] of this.byStore) for (const [key, entry] of m) target.set(store, key, entry);
  }

  applyTo(state: PartitionState): void {
    if (!this.byStore) return;
    for (const [store, m] of this.byStore) {
      const map = state.store(store);
      for (const [key, { value }] of m) value === DELETED ? map.delete(key) : map.set(key, value);
    }
  }

  /** One changelog record per key (the last write wins); deletes are tombstones. */
  *changelog(): Iterable<{ store: string; key: string; bytes: Buffer | null }> {
    if (!this.byStore) return;
    for (const [store, m] of this.byStore) for (const [key, { bytes }] of m) yield { store, key, bytes };
  }
}

/** The store a handler sees: its own writes, then the chunk's, then the restored state. */
export function storeView<V>(
  name: string,
  spec: StoreSpec<V>,
  state: PartitionState,
  chunk: Writes,
  own: Writes,
): KeyValueStore<V> {
  const read = (key: string): V | undefined => {
    const entry = own.get(name, key) ?? chunk.get(name, key);
    if (entry) return entry.value === DELETED ? undefined : (entry.value as V);
    return state.store(name).get(key) as V | undefined;
  };
  return {
    get: read,
    // Encoded now, so a value the codec refuses fails this message, not the whole chunk.
    put: (key, value) => own.set(name, key, { value, bytes: spec.encode(value) }),
    delete: (key) => own.set(name, key, { value: DELETED, bytes: null }),
  };
}
