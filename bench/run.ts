// `pnpm bench [name…]`: runs bench/<name>.bench.ts (all of them without names). Each benchmark
// module's default export returns its table, figures and ratios; this prints the table, then
// one JSON line {"bench", "figures", "ratios"}, and writes the same to bench/results/<name>.json.
// Benchmarks need a broker for the Kafka ones: KAFKA_BROKERS, else the local broker is started.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchResult {
  readonly table: string;
  readonly figures: Record<string, number>;
  readonly ratios: Record<string, number>;
}

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

mkdirSync(join(dir, 'results'), { recursive: true });
for (const name of requested.length > 0 ? requested : available) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as {
    default: () => Promise<BenchResult>;
  };
  console.log(`\n== ${name} ==`);
  const result = await mod.default();
  const line = { bench: name, figures: result.figures, ratios: result.ratios };
  console.log(result.table);
  console.log(JSON.stringify(line));
  writeFileSync(join(dir, 'results', `${name}.json`), `${JSON.stringify(line, null, 2)}\n`);
}
