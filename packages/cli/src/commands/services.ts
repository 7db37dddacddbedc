import { bringUp } from '../bring-up.ts';
import { acquireBroker } from '../broker-lease.ts';
import { type Command, info, print, UsageError } from '../command.ts';
import { listInstances } from '../service-instances.ts';
import { serviceRegistry } from '../service-registry.ts';
import { assertKnownServices, listServices, readinessUrl, serviceState, stopServices, uiUrl } from '../services.ts';
import { ensureTopics } from '../topics.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'start the services and wait until they are ready (and the broker and topics they need)',
  help: `Usage: adtrace up [service…]

Starts the named services, or all of them, as background processes with telemetry preloaded;
logs go to .adtrace/logs/<service>.log. First it makes sure of what they need: the local Kafka
broker (unless KAFKA_BROKERS names a cluster or a broker already answers on the local address)
and the pipeline topics (the missing ones are created, as adtrace topics create does).
A service is reported started only once its readiness endpoint answers 200; one that exits or
is not ready within ADTRACE_READY_TIMEOUT_MS (60000) is stopped, the end of its log is printed
and up exits 1. Services already running are left alone. The broker keeps running afterwards.
Services: ${serviceRegistry.map((s) => `\n  ${s.name.padEnd(10)} ${s.summary}`).join('') || '(none yet)'}`,
  async run(args) {
    const names = args.length > 0 ? args : listServices();
    assertKnownServices(names);
    const lease = await acquireBroker(info);
    const how = { KAFKA_BROKERS: 'KAFKA_BROKERS', running: 'running', started: 'started' };
    print(`kafka      ${how[lease.origin]} at ${lease.brokers.join(',')}`);
    const { created } = await ensureTopics(info);
    print(`topics     ${created.length} created, all present`);
    if (names.length === 0) info('no services exist yet');
    await bringUp(names);
    return 0;
  },
};

export const downCommand: Command = {
  name: 'down',
  summary: 'stop the services (the broker stays: adtrace kafka stop)',
  help: `Usage: adtrace down [service…]

Sends SIGTERM to the named services, or all of them (and their extra instances, such as a
ROAS rebuild's aggregation-gN), and waits until they have drained and exited. The local broker keeps running; stop it with adtrace kafka stop.`,
  async run(args) {
    // Instances (a rebuild's generation) first: they are extra processes of registered services.
    const names = args.length > 0 ? args : [...listInstances().map((i) => i.name), ...listServices()];
    assertKnownServices(names);
    // The warehouse last: it receives the others' spans (stopWaves).
    const stopped = await stopServices(names);
    for (const name of names) print(`${name.padEnd(10)} ${stopped.get(name) ? 'stopped' : 'was not running'}`);
    return 0;
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'which services run, and the web view',
  help: `Usage: adtrace status [--json]

One line per service: running (with its pid) or stopped, and its log file; then the extra
instances of a service (a ROAS rebuild's generation, aggregation-gN) while they exist; then the
web view's URL when the warehouse runs.

  --json  one object: {"services": [{"name", "running", "pid", "ready", "log"}], "ui"}, where
          ready is the service's readiness URL and ui the web view's URL (null unless the
          warehouse runs)`,
  async run(args) {
    const json = args.includes('--json');
    const unexpected = args.find((a) => a !== '--json');
    if (unexpected !== undefined) throw new UsageError(`unexpected argument ${unexpected}`);
    const states = [...listServices(), ...listInstances().map((i) => i.name)].map(serviceState);
    const ui =
      states
        .filter((s) => s.running)
        .map((s) => uiUrl(s.name))
        .find((u) => u !== undefined) ?? null;
    if (json) {
      const services = states.map((s) => ({
        name: s.name,
        running: s.running,
        pid: s.pid ?? null,
        ready: readinessUrl(s.name),
        log: s.log,
      }));
      print(JSON.stringify({ services, ui }, null, 2));
      return 0;
    }
    for (const s of states) {
      print(
        `${s.name.padEnd(10)} ${s.running ? `running (pid ${s.pid}; ${readinessUrl(s.name)})` : 'stopped'}  ${s.log}`,
      );
    }
    if (ui) print(`${'web view'.padEnd(10)} ${ui}`);
    return 0;
  },
};
