import type { RoasWindow } from '@adtrace/schemas';

/**
 * How a consumer of adtrace.roas keeps a correct table (the warehouse and the example consumer
 * follow the same rule):
 * - Within a generation, a row (campaign, window) is replaced only by a higher revision, so
 *   redelivered or reordered records never roll it back.
 * - A rebuild publishes a higher generation from empty state. It becomes current only once it
 *   has caught up: for every campaign the current generation has published, the candidate's
 *   highest completeThroughMs reached the current one's. Before that its rows are kept but not
 *   shown; after, the switch is final (never back to a lower generation).
 */
export interface RoasTable {
  /** null until the first record. */
  readonly current: number | null;
  /** generation → campaign → highest completeThroughMs seen. */
  readonly progress: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** generation → `${windowStartMs}|${campaignId}` → latest revision. */
  readonly rows: Readonly<Record<string, Readonly<Record<string, RoasWindow>>>>;
}

export const EMPTY_ROAS_TABLE: RoasTable = { current: null, progress: {}, rows: {} };

/** True when `candidate` has caught up with `current` for every campaign `current` has published. */
export function hasCaughtUp(table: RoasTable, candidate: number, current: number): boolean {
  const mine = table.progress[candidate] ?? {};
  return Object.entries(table.progress[current] ?? {}).every(
    ([campaign, ms]) => (mine[campaign] ?? Number.NEGATIVE_INFINITY) >= ms,
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
  const before = genProgress[record.campaignId] ?? Number.NEGATIVE_INFINITY;
  const progress =
    record.completeThroughMs > before
      ? { ...table.progress, [gen]: { ...genProgress, [record.campaignId]: record.completeThroughMs } }
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
