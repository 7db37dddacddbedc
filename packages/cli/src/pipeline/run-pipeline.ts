// The whole pipeline on this machine, for as long as a body runs: the broker (the local one
// unless KAFKA_BROKERS is set or one already answers), the topics, every service as its own
// process (each only once the one before is ready), and the demo catalog and segments. Whatever
// happens — the body returns, throws, or the signal aborts — it stops the services it started,
// then the broker it started. `adtrace start` and `adtrace demo` run on it.
import { Kafka, logLevel } from 'kafkajs';
import { bringUp } from '../bring-up.ts';
import { acquireBroker, type BrokerLease } from '../broker-lease.ts';
import { info, print } from '../command.ts';
import { listServices, stopServices } from '../services.ts';
import { ensureTopics } from '../topics.ts';
import { publishDemoData } from './demo-data.ts';

/**
 * The demo load's tmax (ms). Exchanges give 120–300 ms; seven services and a broker sharing a
 * laptop's cores take longer, and a request older than its tmax is a timeout no-fill by design,
 * so the demo's requests allow 5 s.
 */
export const DEMO_TMAX_MS = 5000;

export interface Pipeline {
  readonly brokers: readonly string[];
  readonly services: readonly string[];
  readonly kafka: Kafka;
}

export async function runPipeline<T>(signal: AbortSignal, body: (pipeline: Pipeline) => Promise<T>): Promise<T> {
  let lease: BrokerLease | undefined;
  const ours: string[] = [];
  try {
    lease = await acquireBroker(info, signal);
    const how = { KAFKA_BROKERS: 'KAFKA_BROKERS', running: 'already running', started: 'started; stopped on exit' };
    print(
      `kafka      ${lease.brokers.join(',')} (${lease.version ? `Kafka ${lease.version}, ` : ''}${how[lease.origin]})`,
    );
    const { created } = await ensureTopics(info, { signal });
    print(`topics     ${created.length} created, all present`);
    const services = listServices();
    await bringUp(services, { signal, onStarted: (name) => ours.push(name) });
    const kafka = new Kafka({ clientId: 'adtrace-pipeline', brokers: [...lease.brokers], logLevel: logLevel.NOTHING });
    const data = await publishDemoData(kafka);
    print(`demo data  ${data.campaigns} campaigns, segments of ${data.users} users published`);
    return await body({ brokers: lease.brokers, services, kafka });
  } finally {
    await stopServices(ours);
    await lease?.release();
  }
}
