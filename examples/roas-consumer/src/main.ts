// The example ROAS consumer: follows adtrace.roas and keeps a correct table, printed as it
// changes generation and saved as JSON (ROAS_OUT) after every batch. Ctrl-C stops it.
//   KAFKA_BROKERS=127.0.0.1:9092 ROAS_OUT=/tmp/roas.json node examples/roas-consumer/src/main.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { followRoas } from './follow-roas.ts';

const env = process.env;
const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const topic = env.ROAS_TOPIC ?? 'adtrace.roas';
const out = env.ROAS_OUT;
const schemasDir = env.ROAS_SCHEMAS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '../../../schemas');

const following = await followRoas({
  brokers,
  topic,
  schemasDir,
  onSwitch: (generation) => console.log(`generation ${generation} caught up: it is the one shown from now on`),
  onBatch: (table) => {
    if (out) writeFileSync(out, JSON.stringify({ generation: table.current, windows: table.rows() }, null, 2));
  },
});
console.log(`following ${topic} on ${brokers.join(',')}${out ? `, table in ${out}` : ''}`);
const timer = setInterval(() => {
  const gens = following.table
    .generations()
    .map((g) => `g${g.generation}${g.current ? ' (shown)' : ''}: ${g.campaigns} campaigns`);
  console.log(`${following.applied()} records, ${following.table.rows().length} windows; ${gens.join(', ')}`);
}, 10_000);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    clearInterval(timer);
    void following.stop().then(() => process.exit(0));
  });
