import { randomUUID } from 'node:crypto';
import { decodeExpiring, type Expiring } from './ttl.ts';

/**
 * The de-duplication store's changelog, in segments. Every message of a de-duplicating hop
 * remembers one key, written once and never updated, then forgotten when it expires: a
 * changelog record per key, and later a tombstone per key, was ~8 of the pipeline's ~24 topic
 * writes per event (and as many tombstones again once the TTL passed). Instead a chunk's new
 * keys go in one record, a segment, keyed `SEGMENT_PREFIX + a random id`, holding each key with
 * its expiry; once the latest of them has expired, the segment gets one tombstone. Keys still
 * expire one by one in memory (the TTL store's index), as before.
 *
 * A changelog written before segments holds one framed record per key (ttl.ts): restored as
 * before, and such a key's purge still writes its tombstone.
 */
export const SEGMENT_PREFIX = '\u0000seg:';
/** Keys per segment record: ~50 B each, so a record stays far below the broker's 1 MB. */
const SEGMENT_KEYS = 2_000;

export type SegmentEntry = readonly [key: string, expiresAt: number];

export function encodeSegment(entries: readonly SegmentEntry[]): Buffer {
  return Buffer.from(JSON.stringify(entries));
}

export function decodeSegment(bytes: Buffer): SegmentEntry[] {
  const entries = JSON.parse(bytes.toString('utf8')) as unknown;
  if (!Array.isArray(entries)) throw new TypeError('not a de-duplication segment');
  for (const e of entries) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !Number.isSafeInteger(e[1])) {
      throw new TypeError('not a de-duplication segment entry');
    }
  }
  return entries as SegmentEntry[];
}

/**
 * The restored store's entries from its changelog records (a segment's keys, or a legacy
 * per-key record), and the task's ledger of what the changelog holds.
 */
export function restoreDedupe(
  records: Iterable<readonly [string, Buffer | null]>,
  into: Map<string, unknown>,
  ledger: DedupeSegments,
): void {
  for (const [key, bytes] of records) {
    if (bytes === null) continue;
    if (key.startsWith(SEGMENT_PREFIX)) {
      let last = Number.NEGATIVE_INFINITY;
      for (const [k, expiresAt] of decodeSegment(bytes)) {
        // A key seen again after it expired is in a later segment too: the later expiry wins.
        const held = into.get(k) as Expiring<number> | undefined;
        if (!held || held.expiresAt < expiresAt) into.set(k, { expiresAt, value: 1 } satisfies Expiring<number>);
        last = Math.max(last, expiresAt);
      }
      ledger.restored(key, last);
    } else {
      into.set(key, { expiresAt: decodeExpiring(bytes).expiresAt, value: 1 } satisfies Expiring<number>);
      ledger.legacy.add(key);
    }
  }
}

/**
 * A task's segments: each one's latest expiry, so it is tombstoned once all its keys expired.
 * What a chunk writes is staged, and becomes the ledger's only if the chunk commits.
 */
export class DedupeSegments {
  /** Keys restored from per-key records (a changelog written before segments): tombstoned one by one. */
  readonly legacy = new Set<string>();
  private readonly lastExpiry = new Map<string, number>();
  private staged: { added: [string, number][]; removed: string[] } | undefined;

  restored(segment: string, lastExpiry: number): void {
    this.lastExpiry.set(segment, lastExpiry);
  }

  /**
   * The chunk's changelog records for the store: its new keys in segments, a tombstone for each
   * segment wholly expired at `streamTime`, and for each legacy key the chunk purged.
   * `writes`: the store's puts (framed bytes) and deletes (null) of the chunk.
   */
  records(
    writes: Iterable<readonly [string, Buffer | null]>,
    streamTime: number,
  ): { key: string; value: Buffer | null }[] {
    const out: { key: string; value: Buffer | null }[] = [];
    const staged = { added: [] as [string, number][], removed: [] as string[] };
    let entries: SegmentEntry[] = [];
    const seal = () => {
      if (entries.length === 0) return;
      const segment = SEGMENT_PREFIX + randomUUID();
      out.push({ key: segment, value: encodeSegment(entries) });
      staged.added.push([segment, Math.max(...entries.map((e) => e[1]))]);
      entries = [];
    };
    for (const [key, bytes] of writes) {
      if (bytes === null) {
        if (this.legacy.has(key)) out.push({ key, value: null });
        continue;
      }
      entries.push([key, decodeExpiring(bytes).expiresAt]);
      if (entries.length === SEGMENT_KEYS) seal();
    }
    seal();
    for (const [segment, last] of this.lastExpiry) {
      if (last > streamTime) continue;
      out.push({ key: segment, value: null });
      staged.removed.push(segment);
    }
    this.staged = staged;
    return out;
  }

  /** The chunk committed: its segments are durable, its tombstoned ones gone. */
  commit(purgedLegacy: Iterable<string>): void {
    for (const [segment, last] of this.staged?.added ?? []) this.lastExpiry.set(segment, last);
    for (const segment of this.staged?.removed ?? []) this.lastExpiry.delete(segment);
    for (const key of purgedLegacy) this.legacy.delete(key);
    this.staged = undefined;
  }

  rollback(): void {
    this.staged = undefined;
  }

  /** Segments held (tests, metrics). */
  get size(): number {
    return this.lastExpiry.size;
  }
}
