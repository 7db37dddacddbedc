import { type Command, info, print, UsageError } from '../command.ts';
import { usesExternalKafka } from '../kafka-env.ts';
import { brokerStatus, localKafkaConfig, startBroker, stopBroker } from '../local-kafka/index.ts';

export const kafkaCommand: Command = {
  name: 'kafka',
  summary: 'start, stop or show the local Kafka broker',
  help: `Usage: adtrace kafka start|stop|status

  start    fetch Apache Kafka from Maven Central (once), format KRaft storage (once) and run one
           broker+controller on 127.0.0.1:9092 in the background; waits until it is ready
  stop     SIGTERM the broker and wait until it has exited
  status   whether it runs, its address and Kafka version

Data, log and jars live under .adtrace/kafka/. Environment: ADTRACE_KAFKA_PORT (9092),
ADTRACE_KAFKA_CONTROLLER_PORT (9093), ADTRACE_KAFKA_HEAP_MB (512), ADTRACE_HOME (.adtrace).`,
  async run(args) {
    const [action, ...rest] = args;
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    const cfg = localKafkaConfig();
    if (usesExternalKafka() && action !== 'status') {
      info(`note: KAFKA_BROKERS is set, so the pipeline will use that cluster, not this local broker`);
    }
    switch (action) {
      case 'start': {
        const result = await startBroker(cfg, info);
        print(
          result.alreadyRunning
            ? `Kafka ${result.version} is already running at ${result.address} (pid ${result.pid})`
            : `Kafka ${result.version} started at ${result.address} (pid ${result.pid}); log: ${cfg.logFile}`,
        );
        return 0;
      }
      case 'stop': {
        const { stopped, pid } = await stopBroker(cfg);
        print(stopped ? `Kafka stopped (pid ${pid})` : 'Kafka was not running');
        return 0;
      }
      case 'status': {
        const s = brokerStatus(cfg);
        print(
          s.running
            ? `Kafka ${s.version} running at ${s.address} (pid ${s.pid})`
            : `Kafka not running (local broker ${s.address}${s.version ? `, Kafka ${s.version} installed` : ', not installed yet'})`,
        );
        if (usesExternalKafka()) print(`KAFKA_BROKERS=${process.env.KAFKA_BROKERS} (the pipeline uses this)`);
        return s.running ? 0 : 3;
      }
      default:
        throw new UsageError(action ? `unknown action ${action}` : 'missing action');
    }
  },
};
