import type { RoasWindow } from '@adtrace/schemas';

/**
 * How a consumer of adtrace.roas keeps a correct table (the warehouse and the example consumer
 * follow the same rule):
 * - Within a generation, a row (campaign, window) is replaced only by a higher revision, so
 *   redelivered or reordered records never roll it back.
 * - A rebuild publishes a higher generation from empty state. It becomes current only once it
 *   has caught up on every campaign the current generation has published: its highest
 *   completeThroughMs reached the current one's, or the current one's windows of the campaign
 *   are all final and the candidate has made final every one of them too (`caughtUpOn`). Before
 *   that its rows are kept but not shown; after, the switch is final (never back to a lower
 *   generation).
 */
export interface RoasTable {
  /** null until the first record. */
  readonly current: number | null;
  /** generation → campaign → how far it has published. */
  readonly progress: Readonly<Record<string, Readonly<Record<string, CampaignProgress>>>>;
  /** generation → `${windowStartMs}|${campaignId}` → latest revision. */
  readonly rows: Readonly<Record<string, Readonly<Record<string, RoasWindow>>>>;
}

export const EMPTY_ROAS_TABLE: RoasTable = { current: null, progress: {}, rows: {} };

/** One generation's progress on one campaign: the highest of each over the records seen. */
export interface CampaignProgress {
  readonly completeThroughMs: number;
  /** End of the latest window published. */
  readonly windowsThroughMs: number;
  /** End of the latest window published final (windows go final in order of their end). */
  readonly finalThroughMs: number;
}

const NONE = Number.NEGATIVE_INFINITY;

/**
 * Whether a candidate generation has caught up with the current one on a campaign. Either its
 * completeThroughMs has reached the current one's, or the current one has no open window of the
 * campaign and the candidate has made final the latest of them (so every earlier one too).
 * The second way is how a quiet pipeline's rebuild finishes: once no event comes, windows go final
 * on the idle policy's wall-clock ticks (packages/stream, stream-time.ts), and a window's final
 * record carries the stream time of whichever tick closed it — a second apart between two
 * processes — so completeThroughMs alone would leave every other campaign "behind" for good.
 */
export function caughtUpOn(mine: CampaignProgress | undefined, current: CampaignProgress): boolean {
  if (!mine) return false;
  if (mine.completeThroughMs >= current.completeThroughMs) return true;
  return current.finalThroughMs === current.windowsThroughMs && mine.finalThroughMs >= current.finalThroughMs;
}

/** True when `candidate` has caught up with `current` for every campaign `current` has published. */
export function hasCaughtUp(table: RoasTable, candidate: number, current: number): boolean {
  const mine = table.progress[candidate] ?? {};
  return Object.entries(table.progress[current] ?? {}).every(([campaign, theirs]) =>
    caughtUpOn(mine[campaign], theirs),
  );
}

export function applyRoasRecord(table: RoasTable, record: RoasWindow): RoasTable {
  const gen = String(record.generation);
  const key = `${record.windowStartMs}|${record.campaignId}`;
  const genRows = table.rows[gen] ?? {};
  const existing = genRows[key];
  const rows =
    existing && existing.revision >= record.revision
      ? table.rows
      : { ...table.rows, [gen]: { ...genRows, [key]: record } };
  const genProgress = table.progress[gen] ?? {};
  const before = genProgress[record.campaignId];
  const after: CampaignProgress = {
    completeThroughMs: Math.max(before?.completeThroughMs ?? NONE, record.completeThroughMs),
    windowsThroughMs: Math.max(before?.windowsThroughMs ?? NONE, record.windowEndMs),
    finalThroughMs: Math.max(before?.finalThroughMs ?? NONE, record.final ? record.windowEndMs : NONE),
  };
  const changed =
    !before ||
    after.completeThroughMs !== before.completeThroughMs ||
    after.windowsThroughMs !== before.windowsThroughMs ||
    after.finalThroughMs !== before.finalThroughMs;
  const progress = changed
    ? { ...table.progress, [gen]: { ...genProgress, [record.campaignId]: after } }
    : table.progress;
  let current = table.current ?? record.generation;
  const next = { current, progress, rows };
  // Any higher generation that has caught up takes over; try the highest first.
  const higher = Object.keys(progress)
    .map(Number)
    .filter((g) => g > current)
    .sort((a, b) => b - a);
  for (const g of higher) {
    if (hasCaughtUp(next, g, current)) {
      current = g;
      break;
    }
  }
  return { ...next, current };
}

/** The rows of the current generation, latest revision per (campaign, window), sorted by window then campaign. */
export function currentRows(table: RoasTable): RoasWindow[] {
  if (table.current === null) return [];
  return Object.values(table.rows[table.current] ?? {}).sort(
    (a, b) =>
      a.windowStartMs - b.windowStartMs || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0),
  );
}
