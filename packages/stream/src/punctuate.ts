import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { changelogTopic } from './changelog.ts';
import { HopCrashedError } from './errors.ts';
import { DEDUPE_STORE } from './event-state.ts';
import { startPunctuation } from './handler-context.ts';
import type { Outbox } from './outbox.ts';
import { storeView, Writes } from './store.ts';
import type { Task } from './task.ts';
import { decodeExpiring, purgeExpired, ttlCodec } from './ttl.ts';
import type { OutputSpecs, Punctuation, StoreSpecs } from './types.ts';

export interface PunctuationParts<O extends OutputSpecs, S extends StoreSpecs> {
  readonly name: string;
  readonly outputs: O;
  readonly stores: S;
  readonly punctuation: Punctuation<O, S>;
}

/**
 * What stream time moved past, at the end of a chunk (or of an idle tick): windows that closed,
 * were restated or became final, and timers that came due, each handed to the hop's callback
 * on ROOT_CONTEXT (one window serves many events); then expired TTL entries are purged. Their
 * outputs, store writes and changelog records join the chunk's, in its one transaction.
 * A callback that throws is a bug: the hop crashes rather than lose a window.
 */
export function punctuate<O extends OutputSpecs, S extends StoreSpecs>(
  parts: PunctuationParts<O, S>,
  task: Task,
  writes: Writes,
  outbox: Outbox,
): void {
  const event = task.event;
  if (!event) return;
  const now = event.streamTime.current();
  const own = new Writes();
  const scope = { outputs: parts.outputs, stores: parts.stores, state: task.state, chunk: writes, own, event };
  try {
    context.with(ROOT_CONTEXT, () => {
      for (const [window, table] of event.windows) {
        for (const e of table.advance(now)) {
          const run = startPunctuation(scope, ROOT_CONTEXT);
          const returned = parts.punctuation.onWindow?.({ ...e, window }, run.ctx);
          for (const r of run.records((returned ?? undefined) as never)) outbox.add(r);
        }
      }
      for (const timer of event.timers.due(now)) {
        const run = startPunctuation(scope, ROOT_CONTEXT);
        const returned = parts.punctuation.onTimer?.(timer, run.ctx);
        for (const r of run.records((returned ?? undefined) as never)) outbox.add(r);
      }
    });
  } catch (error) {
    throw new HopCrashedError(parts.name, 'punctuate', error);
  }
  for (const [store, index] of event.expiry) {
    const view = storeView(store, ttlCodec(parts.stores[store]!), task.state, writes, own);
    purgeExpired(view, index, now);
  }
  own.mergeInto(writes);
}

/** The chunk's changelog records: store writes, then window and timer changes. */
export function changelogRecords(group: string, task: Task, writes: Writes, outbox: Outbox): void {
  const add = (store: string, key: string, value: Buffer | null) =>
    outbox.add({
      kind: 'changelog',
      topic: changelogTopic(group, store),
      message: { key, value, partition: task.partition, headers: {} },
    });
  const dedupe = task.event?.dedupe;
  const seen: [string, Buffer | null][] = [];
  for (const { store, key, bytes } of writes.changelog()) {
    if (dedupe && store === DEDUPE_STORE) seen.push([key, bytes]);
    else add(store, key, bytes);
  }
  // Segments: a chunk's new keys in one record (dedupe-segments.ts).
  if (dedupe) for (const r of dedupe.records(seen, task.event!.streamTime.current())) add(DEDUPE_STORE, r.key, r.value);
  for (const { topic, key, value } of task.event?.changes(group) ?? []) {
    outbox.add({ kind: 'changelog', topic, message: { key, value, partition: task.partition, headers: {} } });
  }
}

/** After a commit: the chunk's writes are state; TTL entries it wrote are indexed for expiry. */
export function applyCommitted(task: Task, writes: Writes, stores: StoreSpecs): void {
  writes.applyTo(task.state);
  const event = task.event;
  if (!event) return;
  event.commit();
  const purged: string[] = [];
  for (const { store, key, bytes } of writes.changelog()) {
    if (store === DEDUPE_STORE && bytes === null) purged.push(key);
    const index = event.expiry.get(store);
    if (!index || stores[store]?.ttlMs === undefined) continue;
    if (bytes === null) index.delete(key);
    else index.set(key, decodeExpiring(bytes).expiresAt);
  }
  event.dedupe?.commit(purged);
}
