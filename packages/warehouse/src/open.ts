import type { WarehouseConfig } from './config.ts';
import { DuckDbWarehouse } from './duckdb/duckdb-warehouse.ts';
import { PostgresWarehouse } from './postgres/postgres-warehouse.ts';
import type { Warehouse, WarehouseOptions } from './warehouse.ts';

/** Connects to the configured warehouse, without touching its schema. */
export function connectWarehouse(config: WarehouseConfig, options: WarehouseOptions = {}): Promise<Warehouse> {
  return config.kind === 'duckdb'
    ? DuckDbWarehouse.open(config.path, options, config)
    : PostgresWarehouse.open(config.url, config.schema, config.poolSize, options);
}

/** Connects and applies pending migrations: what the warehouse service does at start. */
export async function openWarehouse(config: WarehouseConfig, options: WarehouseOptions = {}): Promise<Warehouse> {
  const warehouse = await connectWarehouse(config, options);
  try {
    await warehouse.migrate();
  } catch (err) {
    await warehouse.close();
    throw err;
  }
  return warehouse;
}
