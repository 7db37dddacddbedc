import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Settings that say who this node is and where it listens and stores: each way of running Kafka sets its own. */
const PLACEMENT = new Set([
  'process.roles',
  'node.id',
  'controller.quorum.voters',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'controller.listener.names',
  'inter.broker.listener.name',
  'log.dirs',
]);

/**
 * The broker's tuning — every setting of deploy/kafka/server.properties except placement — as
 * the apache/kafka image reads it from the environment (`a.b.c` → `KAFKA_A_B_C`). The local
 * broker, the testcontainers broker and docker-compose.yml run with the same tuning: written once,
 * here, and checked against the compose file by its test.
 */
export function brokerTuning(deployDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of readFileSync(join(deployDir, 'server.properties'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    if (eq < 0 || PLACEMENT.has(key)) continue;
    const value = line.slice(eq + 1).trim();
    if (value.includes('${'))
      throw new Error(`deploy/kafka/server.properties: ${key} has a placeholder but is not a placement setting`);
    env[`KAFKA_${key.toUpperCase().replaceAll('.', '_')}`] = value;
  }
  return env;
}
