import type { Dialect } from './dialect.ts';
import type { Migration } from './migrations.ts';

/**
 * ROAS generations (a rebuild is a higher generation of adtrace.roas, from empty state):
 * - `roas_window_generations` keeps every generation's latest revision per (campaign, window);
 * - `roas_generation_progress` the highest completeThroughMs each generation published per campaign;
 * - `roas_current_generation` the one row naming the generation `roas_windows` (a view) shows.
 * A higher generation becomes current once, for every campaign the current one has published,
 * its completeThroughMs has reached the current one's: the rule of `applyRoasRecord` in
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
 * Run after each ROAS load, in its transaction: record progress, name the first generation
 * current, and switch to the highest generation that has caught up with the current one.
 */
export const afterRoasLoadSql = (d: Dialect): string[] => [
  // PostgreSQL loads partitions concurrently: each must see the others' progress before judging
  // the switch, or two halves of a catch-up could each miss the other.
  ...(d.name === 'postgres' ? [`SELECT pg_advisory_xact_lock(hashtext('adtrace.roas.' || current_schema()))`] : []),
  `
INSERT INTO roas_generation_progress (generation, campaign_id, complete_through)
SELECT generation, campaign_id, ${d.timestampFromMicros('max(complete_through_ms) * 1000')}
FROM roas_windows_stage GROUP BY generation, campaign_id
ON CONFLICT (generation, campaign_id) DO UPDATE SET complete_through = excluded.complete_through
WHERE excluded.complete_through > roas_generation_progress.complete_through`,
  `
INSERT INTO roas_current_generation (id, generation)
SELECT 1, min(generation) FROM roas_windows_stage
ON CONFLICT (id) DO NOTHING`,
  `
UPDATE roas_current_generation SET generation = next.generation, switched_at = current_timestamp
FROM (
  -- Per higher generation: of the current one's campaigns, how many it has reached; all = caught up.
  SELECT max(candidate.generation) AS generation
  FROM (
    SELECT mine.generation, count(*) AS caught_up
    FROM roas_generation_progress cur
    JOIN roas_current_generation c ON cur.generation = c.generation
    JOIN roas_generation_progress mine ON mine.campaign_id = cur.campaign_id AND mine.generation > c.generation
    WHERE mine.complete_through >= cur.complete_through
    GROUP BY mine.generation
  ) candidate
  WHERE candidate.caught_up = (
    SELECT count(*) FROM roas_generation_progress cur JOIN roas_current_generation c ON cur.generation = c.generation)
) next
WHERE next.generation IS NOT NULL AND roas_current_generation.id = 1`,
];

/** One generation of adtrace.roas as the warehouse has it. */
export interface RoasGenerationRow {
  readonly generation: number;
  /** The generation `roas_windows` shows. */
  readonly current: boolean;
  /** Campaigns it has published. */
  readonly campaigns: number;
  /** Of the current generation's campaigns, those where its completeThroughMs has reached the current's. */
  readonly caughtUpCampaigns: number;
  /** Campaigns the current generation has published: all of them caught up = the switch. */
  readonly currentCampaigns: number;
  /** Lowest and highest completeThroughMs over its campaigns. */
  readonly completeThroughMinMs: number;
  readonly completeThroughMaxMs: number;
}

export const roasGenerationsSql = (d: Dialect) => `
SELECT p.generation, (p.generation = c.generation) AS is_current, count(*) AS campaigns,
  sum(CASE WHEN cur.complete_through IS NOT NULL AND p.complete_through >= cur.complete_through THEN 1 ELSE 0 END)
    AS caught_up,
  (SELECT count(*) FROM roas_generation_progress x WHERE x.generation = c.generation) AS current_campaigns,
  ${d.timestampToMicros('min(p.complete_through)')} / 1000 AS min_ms,
  ${d.timestampToMicros('max(p.complete_through)')} / 1000 AS max_ms
FROM roas_generation_progress p
CROSS JOIN roas_current_generation c
LEFT JOIN roas_generation_progress cur ON cur.generation = c.generation AND cur.campaign_id = p.campaign_id
GROUP BY p.generation, c.generation
ORDER BY p.generation`;

export const toRoasGeneration = (r: Record<string, unknown>): RoasGenerationRow => ({
  generation: Number(r.generation),
  current: Boolean(r.is_current),
  campaigns: Number(r.campaigns),
  caughtUpCampaigns: Number(r.caught_up),
  currentCampaigns: Number(r.current_campaigns),
  completeThroughMinMs: Number(r.min_ms),
  completeThroughMaxMs: Number(r.max_ms),
});
