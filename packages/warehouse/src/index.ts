export type {
  AlertRow,
  AuctionOutcomeRow,
  CampaignRow,
  ImpressionRow,
  LateEventRow,
} from './attribution-tables.ts';
export type { CampaignTotals, CampaignTotalsQuery } from './campaign-totals.ts';
export {
  defaultStateDir,
  readEnv,
  toConfig,
  WAREHOUSE_SETTINGS,
  type WarehouseConfig,
  type WarehouseEnv,
} from './config.ts';
export { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
export { type Migration, migrations, REQUEST_ID_ATTRIBUTE } from './migrations.ts';
export { connectWarehouse, openWarehouse } from './open.ts';
export { PostgresWarehouse } from './postgres/postgres-warehouse.ts';
export type { RoasGenerationRow } from './roas-generations.ts';
export type {
  AttributedEventKind,
  AttributedEventRow,
  DeadLetterRow,
  RoasWindowRow,
  SpanKindName,
  SpanResourceRow,
  SpanRow,
  StatusCodeName,
} from './rows.ts';
export {
  checkSegmentMembersQuery,
  type SegmentMembersQuery,
  segmentMembersSql,
  type UserActivityCondition,
} from './segment-members.ts';
export { type PerDayProjection, projectPerDay, TRACE_LOAD_SPAN } from './stage-stats.ts';
export { MAX_TRACE_STAGES, type TraceStages } from './trace-stages.ts';
export { SPAN_ID, TRACE_ID } from './values.ts';
export type {
  LatencySummary,
  ListQuery,
  LoadResult,
  NoFillQuery,
  NoFillReport,
  QueryStats,
  RoasQuery,
  StageReport,
  StageStats,
  StageStatsQuery,
  TraceSpan,
  Warehouse,
  WarehouseOptions,
} from './warehouse.ts';
export { MAX_NO_FILL_TRACES } from './warehouse.ts';
