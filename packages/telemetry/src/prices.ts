import { readFileSync } from 'node:fs';

/**
 * The price table: what one unit of each metered resource costs, in USD. Defaults are public
 * on-demand list prices (us-east-1), cited in README.md "Prices"; config overrides any of them.
 */
export interface PriceTable {
  /** One vCPU for one hour. Default: AWS Fargate Linux/x86 on-demand. */
  readonly vcpuHourUsd: number;
  /** One GiB written to Kafka (produced). Default: Amazon MSK Serverless "data in". */
  readonly kafkaInGibUsd: number;
  /** One GiB read from Kafka (consumed). Default: Amazon MSK Serverless "data out". */
  readonly kafkaOutGibUsd: number;
  /** One TiB scanned by a warehouse query. Default: BigQuery on-demand compute. */
  readonly queryTibUsd: number;
  /**
   * One GiB written into the warehouse. Default: Google Cloud BigQuery Storage Write API
   * ingestion, $0.025 per GiB (list price, first 2 TiB a month free — not applied),
   * https://cloud.google.com/bigquery/pricing#data_ingestion_pricing; checked 2026-11-26 against
   * a third party's copy of the list price (README "Prices": Google's own page was not reachable).
   */
  readonly storageWriteGibUsd: number;
}

export const LIST_PRICES: PriceTable = {
  vcpuHourUsd: 0.04048,
  kafkaInGibUsd: 0.1,
  kafkaOutGibUsd: 0.05,
  queryTibUsd: 6.25,
  storageWriteGibUsd: 0.025,
};

/** Environment variable → price field. ADTRACE_PRICES_FILE names a JSON file with the field names. */
const ENV_NAMES: Record<keyof PriceTable, string> = {
  vcpuHourUsd: 'ADTRACE_PRICE_VCPU_HOUR_USD',
  kafkaInGibUsd: 'ADTRACE_PRICE_KAFKA_IN_GIB_USD',
  kafkaOutGibUsd: 'ADTRACE_PRICE_KAFKA_OUT_GIB_USD',
  queryTibUsd: 'ADTRACE_PRICE_QUERY_TIB_USD',
  storageWriteGibUsd: 'ADTRACE_PRICE_STORAGE_WRITE_GIB_USD',
};

function price(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new Error(`${name} must be a non-negative number of USD, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * List prices, then the JSON file's, then the environment's: the most specific wins. A value
 * that is not a non-negative number fails with the variable (or file field) it came from.
 */
export function pricesFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): PriceTable {
  let fromFile: Record<string, unknown> = {};
  const file = env.ADTRACE_PRICES_FILE?.trim();
  if (file) {
    try {
      fromFile = JSON.parse(readFile(file)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`ADTRACE_PRICES_FILE ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new Error(`ADTRACE_PRICES_FILE ${file} must hold a JSON object`);
    }
    const unknown = Object.keys(fromFile).filter((k) => !(k in ENV_NAMES));
    if (unknown.length > 0) {
      throw new Error(
        `ADTRACE_PRICES_FILE ${file}: unknown price ${unknown.join(', ')}; known: ${Object.keys(ENV_NAMES).join(', ')}`,
      );
    }
  }
  const table: Record<string, number> = { ...LIST_PRICES };
  for (const [field, envName] of Object.entries(ENV_NAMES)) {
    if (field in fromFile) table[field] = price(fromFile[field], `ADTRACE_PRICES_FILE field ${field}`);
    const raw = env[envName];
    if (raw !== undefined && raw.trim() !== '') table[field] = price(raw, envName);
  }
  return table as unknown as PriceTable;
}
