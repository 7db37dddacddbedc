import { attributionTablesSql } from './attribution-tables.ts';
import type { Dialect } from './dialect.ts';
import { roasFinalProgressMigration, roasGenerationsMigration } from './roas-generations.ts';

/**
 * Versioned schema. A migration is applied once, in order, recorded in `schema_migrations`;
 * never edit one that has shipped — add the next number.
 */
/** The span attribute ingest puts the upstream's OpenRTB request id in (services/ingest). */
export const REQUEST_ID_ATTRIBUTE = 'openrtb.request_id';

export interface Migration {
  readonly version: number;
  readonly name: string;
  sql(d: Dialect): string;
}

export const schemaMigrationsTable = (d: Dialect): string => `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  applied_at ${d.types.timestamp} NOT NULL DEFAULT current_timestamp
)`;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'spans',
    sql: ({ name, types: t }) => `
CREATE TABLE spans (
  trace_id ${t.traceId} NOT NULL,
  span_id ${t.spanId} NOT NULL,
  parent_span_id ${t.spanId},
  service VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  start ${t.timestamp} NOT NULL,
  duration_ms ${t.double} NOT NULL,
  status_code VARCHAR NOT NULL,
  status_message VARCHAR,
  event_id VARCHAR,
  compute_usd ${t.double} NOT NULL,
  kafka_usd ${t.double} NOT NULL,
  query_usd ${t.double} NOT NULL,
  cost_usd ${t.double} NOT NULL,
  attributes ${t.json} NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
${
  // DuckDB: no secondary index. An ART index slows every bulk load, and a columnar scan of
  // event_id is fast; PostgreSQL needs the B-tree for event lookups.
  name === 'postgres' ? 'CREATE INDEX spans_event_id ON spans (event_id) WHERE event_id IS NOT NULL;' : ''
}`,
  },
  {
    version: 2,
    name: 'attributed_events and roas_windows',
    sql: ({ types: t }) => `
CREATE TABLE attributed_events (
  event_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  original_event_id VARCHAR NOT NULL,
  campaign_id VARCHAR NOT NULL,
  ad_id VARCHAR NOT NULL,
  touch VARCHAR NOT NULL,
  cost_micros BIGINT NOT NULL,
  value_micros BIGINT NOT NULL,
  pctr ${t.double} NOT NULL,
  event_time ${t.timestamp} NOT NULL,
  attributed_at ${t.timestamp} NOT NULL,
  trace_id VARCHAR,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp
);
CREATE TABLE roas_windows (
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
  PRIMARY KEY (campaign_id, window_start)
);`,
  },
  {
    version: 3,
    name: 'dead_letters',
    sql: ({ types: t }) => `
CREATE TABLE dead_letters (
  dlq_partition INTEGER NOT NULL,
  dlq_offset BIGINT NOT NULL,
  original_topic VARCHAR,
  original_partition INTEGER,
  original_offset BIGINT,
  original_timestamp ${t.timestamp},
  dead_lettered_at ${t.timestamp},
  reason VARCHAR,
  code VARCHAR,
  error_class VARCHAR,
  stage VARCHAR,
  event_id VARCHAR,
  traceparent VARCHAR,
  key ${t.bytes},
  value ${t.bytes},
  headers ${t.json} NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (dlq_partition, dlq_offset)
);`,
  },
  {
    version: 4,
    name: 'attribution and ROAS details (AttributedEvent v2, RoasWindow v2)',
    // Rows loaded before hold the records' defaults. No NOT NULL: DuckDB cannot add a column
    // with a constraint.
    sql: ({ types: t }) => `
ALTER TABLE attributed_events ADD COLUMN impression_id VARCHAR;
ALTER TABLE attributed_events ADD COLUMN touch_event_id VARCHAR;
ALTER TABLE attributed_events ADD COLUMN touch_time ${t.timestamp};
ALTER TABLE attributed_events ADD COLUMN original_currency VARCHAR DEFAULT 'USD';
ALTER TABLE attributed_events ADD COLUMN original_value_micros BIGINT DEFAULT 0;
ALTER TABLE attributed_events ADD COLUMN model_version VARCHAR;
ALTER TABLE roas_windows ADD COLUMN generation INTEGER DEFAULT 0;
ALTER TABLE roas_windows ADD COLUMN late_dropped BIGINT DEFAULT 0;
ALTER TABLE roas_windows ADD COLUMN click_through_conversions BIGINT DEFAULT 0;
ALTER TABLE roas_windows ADD COLUMN view_through_conversions BIGINT DEFAULT 0;
ALTER TABLE roas_windows ADD COLUMN click_through_revenue_micros BIGINT DEFAULT 0;
ALTER TABLE roas_windows ADD COLUMN view_through_revenue_micros BIGINT DEFAULT 0;`,
  },
  {
    version: 5,
    name: 'spans by OpenRTB request id (adtrace trace <request id>)',
    // The id an exchange knows is an attribute of ingest's ads.serve span. PostgreSQL gets an
    // expression index over the few spans that carry it; DuckDB scans the column, as for event_id.
    sql: (d) =>
      d.name === 'postgres'
        ? `CREATE INDEX spans_openrtb_request_id ON spans (${d.jsonText('attributes', REQUEST_ID_ATTRIBUTE)})
  WHERE ${d.jsonText('attributes', REQUEST_ID_ATTRIBUTE)} IS NOT NULL;`
        : 'SELECT 1;',
  },
  {
    version: 6,
    name: 'impressions (adtrace.impressions)',
    // The served impressions, for attribution teams and segments (which build on these column
    // names). trace_id is W3C hex text from the record's traceparent header, as logs print it;
    // the tracking token stays out (it is a bearer credential). user_key is the pseudonymous
    // key, never a raw user id. PostgreSQL: B-trees for "a campaign over time" and "a user's
    // impressions"; DuckDB scans columns (an ART index slows every bulk load).
    sql: ({ name, types: t }) => `
CREATE TABLE impressions (
  impression_id VARCHAR PRIMARY KEY,
  event_id VARCHAR NOT NULL,
  request_id VARCHAR NOT NULL,
  imp_id VARCHAR NOT NULL,
  user_key VARCHAR,
  campaign_id VARCHAR NOT NULL,
  ad_id VARCHAR NOT NULL,
  creative_id VARCHAR NOT NULL,
  bid_type VARCHAR NOT NULL,
  price_micros BIGINT NOT NULL,
  click_price_micros BIGINT NOT NULL,
  pctr ${t.double} NOT NULL,
  model_version VARCHAR,
  event_time ${t.timestamp} NOT NULL,
  trace_id VARCHAR,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp
);
${
  name === 'postgres'
    ? `CREATE INDEX impressions_campaign_time ON impressions (campaign_id, event_time);
CREATE INDEX impressions_user_key ON impressions (user_key);`
    : ''
}`,
  },
  {
    version: 7,
    name: 'auction_outcomes, alerts, late_events, campaigns; attributed_events by campaign and time',
    sql: attributionTablesSql,
  },
  {
    version: 8,
    name: 'spans: W3C hex view spans_hex, storage_usd, BRIN on start (PostgreSQL)',
    // Ids stay compact (UUID / 64-bit) in spans: the primary key is what a bulk load pays for.
    // spans_hex reads them as W3C hex, as traceparent headers, logs and OTLP JSON print them.
    // storage_usd: what storing the span's row costs (priced by the warehouse's load spans).
    // PostgreSQL: spans arrive roughly in start order, so a BRIN index (a few pages for
    // millions of rows, nearly free to maintain) keeps "since T" scans off the whole heap.
    sql: (d) => `
ALTER TABLE spans ADD COLUMN storage_usd ${d.types.double} DEFAULT 0;
CREATE VIEW spans_hex AS
SELECT ${d.traceIdToHex('trace_id')} AS trace_id, ${d.spanIdToHex('span_id')} AS span_id,
  ${d.spanIdToHex('parent_span_id')} AS parent_span_id, service, name, kind, start, duration_ms, status_code,
  status_message, event_id, compute_usd, kafka_usd, query_usd, storage_usd, cost_usd, attributes
FROM spans;
${d.name === 'postgres' ? 'CREATE INDEX spans_start_brin ON spans USING brin (start);' : ''}`,
  },
  // 6–29: other tables (separate files); 30 on: ROAS generations.
  roasGenerationsMigration,
  {
    version: 31,
    name: 'span_resources: what a process and a tracer say once, stored once',
    // A span's resource and scope attributes (service.version, service.instance.id,
    // messaging.system, otel.scope.name, … — more behind a collector that adds k8s.*) were
    // copied into every row's attributes: ~110 bytes of each span here. They are stored once per
    // resource, and a span names its row; older rows keep theirs inline (resource_id NULL).
    sql: ({ types: t }) => `
CREATE TABLE span_resources (
  resource_id ${t.spanId} PRIMARY KEY,
  service VARCHAR NOT NULL,
  attributes ${t.json} NOT NULL
);
ALTER TABLE spans ADD COLUMN resource_id ${t.spanId};`,
  },
  {
    version: 32,
    name: "raw_dead_letters: the raw topics' dead letters, redacted",
    // The dead letters of the raw topics (upstream's bid requests, the trackers' events) hold
    // personal data; the warehouse keeps them apart from dead_letters and only redacted (no key,
    // ids removed, IPs truncated; @adtrace/ads redactRawDeadLetter). Their own table, as their
    // (partition, offset) are of another topic.
    sql: ({ types: t }) => `
CREATE TABLE raw_dead_letters (
  dlq_partition INTEGER NOT NULL,
  dlq_offset BIGINT NOT NULL,
  original_topic VARCHAR,
  original_partition INTEGER,
  original_offset BIGINT,
  original_timestamp ${t.timestamp},
  dead_lettered_at ${t.timestamp},
  reason VARCHAR,
  code VARCHAR,
  error_class VARCHAR,
  stage VARCHAR,
  event_id VARCHAR,
  traceparent VARCHAR,
  key ${t.bytes},
  value ${t.bytes},
  headers ${t.json} NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (dlq_partition, dlq_offset)
);`,
  },
  {
    version: 33,
    name: "a dead letter's identity: its place and its time",
    // A dead letter was known by its place alone (partition, offset), so after its topic was
    // recreated, or the warehouse was pointed at another cluster, a new letter at an old place was
    // taken for the stored one and never loaded. Its time (`dlq_time_ms`: the dead-lettered-at
    // header, else the record's timestamp, else 0 — what dead_lettered_at holds, never NULL) joins
    // the key: the same record read again has the same, a letter of another incarnation another.
    // The tables are rebuilt (DuckDB cannot change a primary key); old rows take it from
    // dead_lettered_at, as the loader computes it.
    sql: (d) => ['dead_letters', 'raw_dead_letters'].map((table) => deadLetterKeyedByTime(d, table)).join('\n'),
  },
  roasFinalProgressMigration,
];

function deadLetterKeyedByTime({ types: t, timestampToMicros }: Dialect, table: string): string {
  const columns = `dlq_partition, dlq_offset, original_topic, original_partition, original_offset, original_timestamp,
  dead_lettered_at, reason, code, error_class, stage, event_id, traceparent, key, value, headers, loaded_at`;
  return `
CREATE TABLE ${table}_v33 (
  dlq_partition INTEGER NOT NULL,
  dlq_offset BIGINT NOT NULL,
  dlq_time_ms BIGINT NOT NULL,
  original_topic VARCHAR,
  original_partition INTEGER,
  original_offset BIGINT,
  original_timestamp ${t.timestamp},
  dead_lettered_at ${t.timestamp},
  reason VARCHAR,
  code VARCHAR,
  error_class VARCHAR,
  stage VARCHAR,
  event_id VARCHAR,
  traceparent VARCHAR,
  key ${t.bytes},
  value ${t.bytes},
  headers ${t.json} NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (dlq_partition, dlq_offset, dlq_time_ms)
);
INSERT INTO ${table}_v33 (dlq_time_ms, ${columns})
SELECT COALESCE(CAST(${timestampToMicros('dead_lettered_at')} / 1000 AS BIGINT), 0), ${columns} FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_v33 RENAME TO ${table};`;
}
