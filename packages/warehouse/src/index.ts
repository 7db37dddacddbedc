export { defaultStateDir, readEnv, toConfig, type WarehouseConfig, type WarehouseEnv } from './config.ts';
export { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
export { type Migration, migrations, REQUEST_ID_ATTRIBUTE } from './migrations.ts';
export { connectWarehouse, openWarehouse } from './open.ts';
export { PostgresWarehouse } from './postgres/postgres-warehouse.ts';
export type {
  AttributedEventKind,
  AttributedEventRow,
  DeadLetterRow,
  RoasWindowRow,
  SpanKindName,
  SpanRow,
  StatusCodeName,
} from './rows.ts';
export { SPAN_ID, TRACE_ID } from './values.ts';
export type {
  ListQuery,
  LoadResult,
  NoFillReport,
  QueryStats,
  StageReport,
  StageStats,
  StageStatsQuery,
  TraceSpan,
  Warehouse,
  WarehouseOptions,
} from './warehouse.ts';
