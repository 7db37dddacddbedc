import type { Dialect } from './dialect.ts';
import type { Migration } from './migrations.ts';

/**
 * ROAS generations (a rebuild is a higher generation of adtrace.roas, from empty state):
 * - `roas_window_generations` keeps every generation's latest revision per (campaign, window);
 * - `roas_generation_progress` how far each generation published per campaign: the highest
 *   completeThroughMs, and the end of its latest window and of its latest final one (migration 34);
 * - `roas_current_generation` the one row naming the generation `roas_windows` (a view) shows.
 * A higher generation becomes current once it has caught up on every campaign the current one has
 * published (its completeThroughMs reached the current one's, or the current one's windows of the
 * campaign are all final and it made final the latest of them too): the rule of `caughtUpOn` in
 * @adtrace/ads, which the example consumer follows too. The switch is final.
 */

const WINDOW_COLUMNS = `campaign_id, window_start, window_end, impressions, clicks, conversions, spend_micros,
  revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete, complete_through, emitted_at, loaded_at,
  generation, late_dropped, click_through_conversions, view_through_conversions, click_through_revenue_micros,
  view_through_revenue_micros`;

export const roasGenerationsMigration: Migration = {
  version: 30,
  name: 'ROAS generations: every generation kept, roas_windows the current one (switched once caught up)',
  // The old table held one row per window (a higher generation replaced it at once): its rows
  // become their generation's, and the highest generation among them stays current.
  sql: ({ name, types: t }) => `
CREATE TABLE roas_window_generations (
  campaign_id VARCHAR NOT NULL,
  window_start ${t.timestamp} NOT NULL,
  window_end ${t.timestamp} NOT NULL,
  impressions BIGINT NOT NULL,
  clicks BIGINT NOT NULL,
  conversions BIGINT NOT NULL,
  spend_micros BIGINT NOT NULL,
  revenue_micros BIGINT NOT NULL,
  roas ${t.double},
  observed_ctr ${t.double},
  predicted_ctr ${t.double},
  revision INTEGER NOT NULL,
  complete BOOLEAN NOT NULL,
  complete_through ${t.timestamp} NOT NULL,
  emitted_at ${t.timestamp} NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  generation INTEGER NOT NULL,
  late_dropped BIGINT NOT NULL DEFAULT 0,
  click_through_conversions BIGINT NOT NULL DEFAULT 0,
  view_through_conversions BIGINT NOT NULL DEFAULT 0,
  click_through_revenue_micros BIGINT NOT NULL DEFAULT 0,
  view_through_revenue_micros BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (generation, campaign_id, window_start)
);
INSERT INTO roas_window_generations (${WINDOW_COLUMNS})
SELECT campaign_id, window_start, window_end, impressions, clicks, conversions, spend_micros, revenue_micros, roas,
  observed_ctr, predicted_ctr, revision, complete, complete_through, emitted_at, loaded_at, coalesce(generation, 0),
  coalesce(late_dropped, 0), coalesce(click_through_conversions, 0), coalesce(view_through_conversions, 0),
  coalesce(click_through_revenue_micros, 0), coalesce(view_through_revenue_micros, 0)
FROM roas_windows;
CREATE TABLE roas_generation_progress (
  generation INTEGER NOT NULL,
  campaign_id VARCHAR NOT NULL,
  complete_through ${t.timestamp} NOT NULL,
  PRIMARY KEY (generation, campaign_id)
);
INSERT INTO roas_generation_progress (generation, campaign_id, complete_through)
SELECT generation, campaign_id, max(complete_through) FROM roas_window_generations GROUP BY generation, campaign_id;
CREATE TABLE roas_current_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL,
  switched_at ${t.timestamp} NOT NULL DEFAULT current_timestamp
);
INSERT INTO roas_current_generation (id, generation)
SELECT 1, max(generation) FROM roas_window_generations HAVING count(*) > 0;
DROP TABLE roas_windows;
CREATE VIEW roas_windows AS
SELECT ${WINDOW_COLUMNS}
FROM roas_window_generations
WHERE generation = (SELECT generation FROM roas_current_generation WHERE id = 1);
${
  // "Since T" reads of the current generation; DuckDB scans (min-max zone maps), as elsewhere.
  name === 'postgres'
    ? 'CREATE INDEX roas_window_generations_start ON roas_window_generations (generation, window_start);'
    : ''
}`,
};

/**
 * The end of each generation's latest window per campaign, and of its latest final one: a quiet
 * pipeline's windows go final on the idle policy's wall-clock ticks, whose stream time differs
 * between two processes by up to a tick, so a rebuild that has made final every window of a
 * campaign could stay "behind" on completeThroughMs for good (`caughtUpOn` in @adtrace/ads).
 */
export const roasFinalProgressMigration: Migration = {
  version: 34,
  name: "ROAS generations: each campaign's latest window and latest final window",
  sql: ({ types: t }) => `
ALTER TABLE roas_generation_progress ADD COLUMN windows_through ${t.timestamp};
ALTER TABLE roas_generation_progress ADD COLUMN final_through ${t.timestamp};
UPDATE roas_generation_progress SET windows_through = w.windows_through, final_through = w.final_through
FROM (
  SELECT generation, campaign_id, max(window_end) AS windows_through,
    max(CASE WHEN complete THEN window_end END) AS final_through
  FROM roas_window_generations GROUP BY generation, campaign_id
) w
WHERE roas_generation_progress.generation = w.generation AND roas_generation_progress.campaign_id = w.campaign_id;
${
  // A rebuild the old rule held back may have caught up already, and a quiet pipeline loads
  // nothing that would judge it again.
  SWITCH_TO_CAUGHT_UP
};`,
};

/** Per campaign of the current generation (cur) and a higher one (mine): `caughtUpOn` of @adtrace/ads. */
const CAUGHT_UP = `(mine.complete_through >= cur.complete_through
    OR (cur.final_through = cur.windows_through AND mine.final_through >= cur.final_through))`;

/** Makes the highest generation that has caught up on every campaign of the current one current. */
const SWITCH_TO_CAUGHT_UP = `
UPDATE roas_current_generation SET generation = next.generation, switched_at = current_timestamp
FROM (
  -- Per higher generation: of the current one's campaigns, how many it has reached; all = caught up.
  SELECT max(candidate.generation) AS generation
  FROM (
    SELECT mine.generation, count(*) AS caught_up
    FROM roas_generation_progress cur
    JOIN roas_current_generation c ON cur.generation = c.generation
    JOIN roas_generation_progress mine ON mine.campaign_id = cur.campaign_id AND mine.generation > c.generation
    WHERE ${CAUGHT_UP}
    GROUP BY mine.generation
  ) candidate
  WHERE candidate.caught_up = (
    SELECT count(*) FROM roas_generation_progress cur JOIN roas_current_generation c ON cur.generation = c.generation)
) next
WHERE next.generation IS NOT NULL AND roas_current_generation.id = 1`;

/**
 * Run after each ROAS load, in its transaction: record progress, name the first generation
 * current, and switch to the highest generation that has caught up with the current one.
 */
export const afterRoasLoadSql = (d: Dialect): string[] => [
  // PostgreSQL loads partitions concurrently: each must see the others' progress before judging
  // the switch, or two halves of a catch-up could each miss the other.
  ...(d.name === 'postgres' ? [`SELECT pg_advisory_xact_lock(hashtext('adtrace.roas.' || current_schema()))`] : []),
  `
INSERT INTO roas_generation_progress (generation, campaign_id, complete_through, windows_through, final_through)
SELECT generation, campaign_id, ${d.timestampFromMicros('max(complete_through_ms) * 1000')},
  ${d.timestampFromMicros('max(window_end_ms) * 1000')},
  ${d.timestampFromMicros('max(CASE WHEN complete THEN window_end_ms END) * 1000')}
FROM roas_windows_stage GROUP BY generation, campaign_id
ON CONFLICT (generation, campaign_id) DO UPDATE SET
  complete_through = greatest(roas_generation_progress.complete_through, excluded.complete_through),
  windows_through = greatest(roas_generation_progress.windows_through, excluded.windows_through),
  final_through = greatest(roas_generation_progress.final_through, excluded.final_through)`,
  `
INSERT INTO roas_current_generation (id, generation)
SELECT 1, min(generation) FROM roas_windows_stage
ON CONFLICT (id) DO NOTHING`,
  SWITCH_TO_CAUGHT_UP,
];

/** One generation of adtrace.roas as the warehouse has it. */
export interface RoasGenerationRow {
  readonly generation: number;
  /** The generation `roas_windows` shows. */
  readonly current: boolean;
  /** Campaigns it has published. */
  readonly campaigns: number;
  /** Of the current generation's campaigns, those it has caught up on (`caughtUpOn` of @adtrace/ads). */
  readonly caughtUpCampaigns: number;
  /** Campaigns the current generation has published: all of them caught up = the switch. */
  readonly currentCampaigns: number;
  /** Lowest and highest completeThroughMs over its campaigns. */
  readonly completeThroughMinMs: number;
  readonly completeThroughMaxMs: number;
}

export const roasGenerationsSql = (d: Dialect) => `
SELECT mine.generation, (mine.generation = c.generation) AS is_current, count(*) AS campaigns,
  sum(CASE WHEN cur.complete_through IS NOT NULL AND ${CAUGHT_UP} THEN 1 ELSE 0 END) AS caught_up,
  (SELECT count(*) FROM roas_generation_progress x WHERE x.generation = c.generation) AS current_campaigns,
  ${d.timestampToMicros('min(mine.complete_through)')} / 1000 AS min_ms,
  ${d.timestampToMicros('max(mine.complete_through)')} / 1000 AS max_ms
FROM roas_generation_progress mine
CROSS JOIN roas_current_generation c
LEFT JOIN roas_generation_progress cur ON cur.generation = c.generation AND cur.campaign_id = mine.campaign_id
GROUP BY mine.generation, c.generation
ORDER BY mine.generation`;

export const toRoasGeneration = (r: Record<string, unknown>): RoasGenerationRow => ({
  generation: Number(r.generation),
  current: Boolean(r.is_current),
  campaigns: Number(r.campaigns),
  caughtUpCampaigns: Number(r.caught_up),
  currentCampaigns: Number(r.current_campaigns),
  completeThroughMinMs: Number(r.min_ms),
  completeThroughMaxMs: Number(r.max_ms),
});
