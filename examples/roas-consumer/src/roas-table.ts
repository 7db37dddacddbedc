import type { RoasWindow } from './roas-codec.ts';

/**
 * A correct ROAS table from adtrace.roas. Two rules:
 *
 * 1. Restatements. A window (campaign, window start) is emitted when it closes (revision 0) and
 *    again, revision + 1, whenever late data changes it and when it becomes final. Keep, per
 *    (generation, campaign, window), the record with the highest revision: a redelivered or
 *    older record never replaces a newer one.
 * 2. Generations. `adtrace roas rebuild` publishes the same windows again under a higher
 *    generation, recomputed from the beginning. It becomes the one you show only once it has
 *    caught up on every campaign the current generation has published: the candidate's highest
 *    completeThroughMs has reached the current one's, or the current one's windows of the
 *    campaign are all final and the candidate has made final the latest of them too (without
 *    traffic, windows go final on each process's own idle ticks, so completeThroughMs alone can
 *    stay a fraction of a second apart for good). Until then keep its rows but show the current
 *    generation's; after, never go back.
 *
 * The warehouse (`roas_windows`) and @adtrace/ads (`applyRoasRecord`) follow the same rules.
 */
/** A generation's progress on a campaign: the highest completeThroughMs, the end of its latest window and of its latest final one. */
interface Progress {
  completeThrough: number;
  windowsThrough: number;
  finalThrough: number;
}

const NONE = Number.NEGATIVE_INFINITY;

export class RoasTable {
  /** The generation shown; null before the first record. */
  current: number | null = null;
  /** generation → campaign → how far it has published. */
  readonly #progress = new Map<number, Map<string, Progress>>();
  /** generation → "campaign|windowStartMs" → latest revision. */
  readonly #rows = new Map<number, Map<string, RoasWindow>>();

  /** Applies one record; returns the generation switched to, if this record made one current. */
  apply(record: RoasWindow): number | undefined {
    const rows = this.#rows.get(record.generation) ?? new Map<string, RoasWindow>();
    this.#rows.set(record.generation, rows);
    const key = `${record.campaignId}|${record.windowStartMs}`;
    const existing = rows.get(key);
    if (!existing || record.revision > existing.revision) rows.set(key, record);

    const progress = this.#progress.get(record.generation) ?? new Map<string, Progress>();
    this.#progress.set(record.generation, progress);
    const before = progress.get(record.campaignId) ?? {
      completeThrough: NONE,
      windowsThrough: NONE,
      finalThrough: NONE,
    };
    progress.set(record.campaignId, {
      completeThrough: Math.max(before.completeThrough, record.completeThroughMs),
      windowsThrough: Math.max(before.windowsThrough, record.windowEndMs),
      finalThrough: Math.max(before.finalThrough, record.final ? record.windowEndMs : NONE),
    });

    if (this.current === null) {
      this.current = record.generation;
      return undefined;
    }
    const candidates = [...this.#progress.keys()].filter((g) => g > this.current!).sort((a, b) => b - a);
    const next = candidates.find((g) => this.caughtUp(g));
    if (next === undefined) return undefined;
    this.current = next;
    return next;
  }

  /** True once `generation` has caught up with the current generation on every campaign. */
  caughtUp(generation: number): boolean {
    if (this.current === null) return false;
    const mine = this.#progress.get(generation) ?? new Map<string, Progress>();
    for (const [campaign, theirs] of this.#progress.get(this.current) ?? []) {
      const own = mine.get(campaign);
      if (!own) return false;
      const allFinal = theirs.finalThrough === theirs.windowsThrough && own.finalThrough >= theirs.finalThrough;
      if (own.completeThrough < theirs.completeThrough && !allFinal) return false;
    }
    return true;
  }

  /** The current generation's windows, latest revision each, by window start then campaign. */
  rows(): RoasWindow[] {
    if (this.current === null) return [];
    return [...(this.#rows.get(this.current)?.values() ?? [])].sort(
      (a, b) => a.windowStartMs - b.windowStartMs || a.campaignId.localeCompare(b.campaignId),
    );
  }

  /** Every generation seen, for a progress line. */
  generations(): { generation: number; campaigns: number; current: boolean; caughtUp: boolean }[] {
    return [...this.#progress.entries()]
      .sort(([a], [b]) => a - b)
      .map(([generation, campaigns]) => ({
        generation,
        campaigns: campaigns.size,
        current: generation === this.current,
        caughtUp: this.caughtUp(generation),
      }));
  }
}
