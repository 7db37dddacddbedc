import { once } from 'node:events';
import { withAdmin } from '../admin.ts';
import { type Command, info, print } from '../command.ts';
import { kafkaBrokers, usesExternalKafka } from '../kafka-env.ts';
import { startLiveView } from '../live-view.ts';
import { localKafkaConfig, startBroker, stopBroker } from '../local-kafka/index.ts';
import { listServices, startService, stopService } from '../services.ts';
import { createTopics } from '../topics.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the pipeline on the local defaults until Ctrl-C (pnpm start)',
  help: `Usage: adtrace start

Starts the local broker (unless KAFKA_BROKERS is set), creates the topics and starts every
service that exists, then prints a live line every 5 s (services up, spans stored, messages
per topic and their rate); Ctrl-C (SIGINT) or SIGTERM stops the services and the broker it started.`,
  async run() {
    const cfg = localKafkaConfig();
    const broker = usesExternalKafka() ? undefined : await startBroker(cfg, info);
    print(`kafka      ${kafkaBrokers().join(',')}${broker ? ` (Kafka ${broker.version}, local)` : ''}`);
    const { created } = await withAdmin((admin) => createTopics(admin));
    print(`topics     ${created.length} created, all present`);
    const services = listServices();
    for (const name of services) print(`${name.padEnd(10)} started (pid ${startService(name).pid})`);
    if (services.length === 0) {
      print('services   none yet: ingest, profiling, auction, delivery, tracking, aggregation and warehouse come next');
    }
    print('running; Ctrl-C stops');
    const stopView = await startLiveView();
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    info('\nstopping…');
    await stopView();
    for (const name of services) await stopService(name);
    if (broker && !broker.alreadyRunning) await stopBroker(cfg);
    print('stopped');
    return 0;
  },
};
