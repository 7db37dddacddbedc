import { type Command, info, print } from '../command.ts';
import { usesExternalKafka } from '../kafka-env.ts';
import { localKafkaConfig, startBroker } from '../local-kafka/index.ts';
import {
  assertKnownServices,
  listServices,
  servicePorts,
  serviceState,
  startService,
  stopService,
} from '../services.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'start the services (and the local broker unless KAFKA_BROKERS is set)',
  help: `Usage: adtrace up [service…]

Starts the named services, or all of them, as background processes with telemetry preloaded;
logs go to .adtrace/logs/<service>.log. Starts the local Kafka broker first unless
KAFKA_BROKERS names a cluster. Services already running are left alone.
Services: ${listServices().join(', ') || '(none yet)'}`,
  async run(args) {
    const names = args.length > 0 ? args : listServices();
    assertKnownServices(names);
    if (!usesExternalKafka()) {
      const broker = await startBroker(localKafkaConfig(), info);
      print(`kafka      ${broker.alreadyRunning ? 'running' : 'started'} at ${broker.address}`);
    }
    if (names.length === 0) info('no services exist yet');
    for (const name of names) {
      const before = serviceState(name).running;
      const s = startService(name);
      const { metrics } = servicePorts(name);
      print(`${name.padEnd(10)} ${before ? 'running' : 'started'} (pid ${s.pid}); metrics :${metrics}; log: ${s.log}`);
    }
    return 0;
  },
};

export const downCommand: Command = {
  name: 'down',
  summary: 'stop the services (the broker stays: adtrace kafka stop)',
  help: `Usage: adtrace down [service…]

Sends SIGTERM to the named services, or all of them, and waits until they have drained and
exited. The local broker keeps running; stop it with adtrace kafka stop.`,
  async run(args) {
    const names = args.length > 0 ? args : listServices();
    assertKnownServices(names);
    for (const name of names) print(`${name.padEnd(10)} ${(await stopService(name)) ? 'stopped' : 'was not running'}`);
    return 0;
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'which services run',
  help: `Usage: adtrace status

One line per service: running (with its pid) or stopped, and its log file.`,
  async run() {
    for (const name of listServices()) {
      const s = serviceState(name);
      print(`${name.padEnd(10)} ${s.running ? `running (pid ${s.pid})` : 'stopped'}  ${s.log}`);
    }
    return 0;
  },
};
