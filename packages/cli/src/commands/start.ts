import { bringUp } from '../bring-up.ts';
import { acquireBroker, type BrokerLease } from '../broker-lease.ts';
import { type Command, info, print } from '../command.ts';
import { runLiveView, ServiceExited } from '../live-view.ts';
import { listServices, logTail, serviceState, stopService } from '../services.ts';
import { ensureTopics } from '../topics.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const startCommand: Command = {
  name: 'start',
  summary: 'run the pipeline on the local defaults until Ctrl-C (npm start)',
  help: `Usage: adtrace start

Starts the local broker (unless KAFKA_BROKERS is set or a broker already answers on the local
address), creates the missing topics, starts every service and waits until each is ready, then
prints a live line every 5 s (services up, spans stored, messages per topic and their rate).
A broker that is not answering (starting, electing leaders, restarting) is waited for, never fatal.
Ctrl-C (SIGINT), SIGTERM, SIGHUP or an error of its own (a service that does not get ready or
exits) stops everything it started: the services, then the broker. Exit code 0 after a signal,
1 after an error.`,
  async run() {
    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.signal.aborted) return; // npm forwards the terminal's Ctrl-C too: one is enough
      info(`\n${sig}: stopping…`);
      stop.abort(new Error(`stopped by ${sig}`));
    };
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    // After SIGHUP the terminal may be gone: output that cannot be written must not cut the
    // clean-up short.
    const ignore = () => {};
    process.stdout.on('error', ignore);
    process.stderr.on('error', ignore);

    let lease: BrokerLease | undefined;
    const ours: string[] = [];
    let code = 0;
    try {
      lease = await acquireBroker(info, stop.signal);
      const how = { KAFKA_BROKERS: 'KAFKA_BROKERS', running: 'already running', started: 'started; stopped on exit' };
      print(
        `kafka      ${lease.brokers.join(',')} (${lease.version ? `Kafka ${lease.version}, ` : ''}${how[lease.origin]})`,
      );
      const { created } = await ensureTopics(info, { signal: stop.signal });
      print(`topics     ${created.length} created, all present`);
      const services = listServices();
      await bringUp(services, { signal: stop.signal, onStarted: (name) => ours.push(name) });
      print('running; Ctrl-C stops');
      await runLiveView(services, stop.signal);
    } catch (err) {
      if (!stop.signal.aborted) {
        code = 1;
        info(`adtrace start: ${err instanceof Error ? err.message : String(err)}`);
        if (err instanceof ServiceExited) {
          for (const name of err.services) info(`the last lines of ${serviceState(name).log}:\n${logTail(name)}`);
        }
        info('stopping…');
      }
    } finally {
      await Promise.all(ours.map((name) => stopService(name)));
      await lease?.release();
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    }
    print(code === 0 ? 'stopped' : 'stopped after the error above');
    return code;
  },
};
