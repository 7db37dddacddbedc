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
 *    caught up: for every campaign the current generation has published, the candidate's highest
 *    completeThroughMs has reached the current one's. Until then keep its rows but show the
 *    current generation's; after, never go back.
 *
 * The warehouse (`roas_windows`) and @adtrace/ads (`applyRoasRecord`) follow the same rules.
 */
export class RoasTable {
  /** The generation shown; null before the first record. */
  current: number | null = null;
  /** generation → campaign → highest completeThroughMs. */
  readonly #progress = new Map<number, Map<string, number>>();
  /** generation → "campaign|windowStartMs" → latest revision. */
  readonly #rows = new Map<number, Map<string, RoasWindow>>();

  /** Applies one record; returns the generation switched to, if this record made one current. */
  apply(record: RoasWindow): number | undefined {
    const rows = this.#rows.get(record.generation) ?? new Map<string, RoasWindow>();
    this.#rows.set(record.generation, rows);
    const key = `${record.campaignId}|${record.windowStartMs}`;
    const existing = rows.get(key);
    if (!existing || record.revision > existing.revision) rows.set(key, record);

    const progress = this.#progress.get(record.generation) ?? new Map<string, number>();
    this.#progress.set(record.generation, progress);
    if (record.completeThroughMs > (progress.get(record.campaignId) ?? Number.NEGATIVE_INFINITY))
      progress.set(record.campaignId, record.completeThroughMs);

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

  /** True once `generation` has reached the current generation's progress for every campaign. */
  caughtUp(generation: number): boolean {
    if (this.current === null) return false;
    const mine = this.#progress.get(generation) ?? new Map<string, number>();
    for (const [campaign, ms] of this.#progress.get(this.current) ?? [])
      if ((mine.get(campaign) ?? Number.NEGATIVE_INFINITY) < ms) return false;
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
