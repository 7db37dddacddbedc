// `pnpm bench [name…]`: runs bench/<name>.bench.ts (all of them without names). Each benchmark
// module's default export returns its table, figures and ratios; this prints the table, then
// one JSON line {"bench", "figures", "ratios"}, and writes the same to bench/results/<name>.json.
// A benchmark that imports kafkajs or the stream runtime gets a broker, once for the whole run:
// KAFKA_BROKERS if set, else a broker already answering on the local address, else the local
// broker started here and stopped after (also on Ctrl-C). The benchmarks read KAFKA_BROKERS.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { acquireBroker, type BrokerLease } from '@adtrace/cli';
import { stopStarted } from './children.ts';

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

const names = requested.length > 0 ? requested : available;
const needsKafka = (name: string) =>
  /from '(kafkajs|@adtrace\/stream)'/.test(readFileSync(join(dir, `${name}.bench.ts`), 'utf8'));

let lease: BrokerLease | undefined;
if (names.some(needsKafka)) {
  const log = (line: string) => console.error(`bench: ${line}`);
  lease = await acquireBroker(log);
  process.env.KAFKA_BROKERS = lease.brokers.join(',');
  log(
    `Kafka at ${process.env.KAFKA_BROKERS}${lease.origin === 'started' ? ' (started for this run; stopped after it)' : ''}`,
  );
  // Interrupted mid-benchmark: nothing else will stop the broker this run started. The benchmark
  // itself cannot be drained, so the run ends here once the broker is down.
  for (const [sig, n] of [
    ['SIGINT', 2],
    ['SIGTERM', 15],
    ['SIGHUP', 1],
  ] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping`);
      void stopStarted()
        .then(() => lease?.release())
        .finally(() => process.exit(128 + n));
    });
  }
}

mkdirSync(join(dir, 'results'), { recursive: true });
try {
  for (const name of names) await runOne(name);
} finally {
  await lease?.release();
}

async function runOne(name: string): Promise<void> {
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
