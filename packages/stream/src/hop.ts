import { type BootHooks, boot, type HopHandles } from './boot.ts';
import type { StreamConfig } from './config.ts';
import { Abandon } from './control.ts';
import { HopCrashedError } from './errors.ts';
import { jsonLog } from './log.ts';
import type { DeliveryMode, Handler, InputSpec, Log, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopOptions<In, O extends OutputSpecs, S extends StoreSpecs> {
  /** The consumer group, the stage named in dead letters, and the changelog prefix. */
  readonly name: string;
  readonly input: InputSpec<In> | readonly InputSpec<In>[];
  readonly outputs: O;
  readonly handler: Handler<In, O, S>;
  readonly config: StreamConfig;
  /** Overrides config.mode: a stateful hop declares exactly-once. */
  readonly mode?: DeliveryMode;
  readonly stores?: S;
  /** Last step of the shutdown, e.g. flushing telemetry. */
  readonly onShutdown?: () => void | Promise<void>;
  readonly log?: Log;
  /** How long a stop waits for the in-flight chunk before giving up on it. Default 30 s. */
  readonly drainTimeoutMs?: number;
}

export interface Hop extends AsyncDisposable {
  readonly name: string;
  /** Checks topics, creates changelogs, connects, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stop fetching, finish and commit the in-flight chunk, close, run onShutdown. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the hop has stopped: resolves after a stop, rejects with HopCrashedError after a crash. */
  readonly done: Promise<void>;
  /** The bound health port, once started (config.healthPort 0 picks one). */
  readonly healthPort: number | undefined;
  /** Joined the group, and every assigned partition's stores are restored. */
  readonly ready: boolean;
}

export function createHop<In, O extends OutputSpecs, S extends StoreSpecs = Record<never, never>>(
  options: HopOptions<In, O, S>,
): Hop {
  return new HopRuntime(options);
}

class HopRuntime<In, O extends OutputSpecs, S extends StoreSpecs> implements Hop {
  readonly name: string;
  readonly done: Promise<void>;
  private readonly options: HopOptions<In, O, S>;
  private readonly log: Log;
  private readonly abort = new AbortController();
  private readonly handles: HopHandles = {};
  private settle: [() => void, (e: unknown) => void] = [() => {}, () => {}];
  private starting: Promise<void> | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private crashed: HopCrashedError | undefined;

  constructor(options: HopOptions<In, O, S>) {
    this.options = options;
    this.name = options.name;
    this.log = options.log ?? jsonLog(options.name);
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = [resolve, reject];
    });
    this.done.catch(() => {}); // a crash reaches only those who wait for `done`
  }

  get healthPort(): number | undefined {
    return this.handles.health?.port;
  }

  get ready(): boolean {
    const { assignment, registry } = this.handles;
    return Boolean(assignment?.joined && registry?.allRestored) && !this.stopping && !this.crashed;
  }

  async start(): Promise<void> {
    if (this.starting) throw new Error(`hop ${this.name} was already started`);
    const hooks: BootHooks = {
      signal: this.abort.signal,
      log: this.log,
      crash: (e) => this.crash(e),
      stopping: () => this.stopping !== undefined,
      live: () => !this.crashed,
      ready: () => this.ready,
    };
    this.starting = boot(this.options, this.handles, hooks);
    try {
      await this.starting;
      this.started = true;
    } catch (error) {
      if (!(error instanceof Abandon)) {
        this.crash(error instanceof HopCrashedError ? error : new HopCrashedError(this.name, 'startup', error));
      }
      await this.stop();
      throw this.crashed ?? error;
    }
  }

  private crash(error: HopCrashedError): void {
    if (this.crashed) return;
    this.crashed = error;
    this.log('error', error.message, { stage: error.stage, cause: error.cause });
    this.abort.abort();
    void this.stop();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Stop fetching, drain the in-flight chunk (it commits), close the clients, then onShutdown. */
  private async shutdown(): Promise<void> {
    const { log, handles } = this;
    const quietly = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (error) {
        log('warn', `shutdown: ${what} failed`, { error });
      }
    };
    if (!this.started) this.abort.abort(); // whatever start is retrying gives up
    await this.starting?.catch(() => {});
    const consumerStopped = quietly('consumer stop', () => handles.consumer?.stop());
    const drainMs = this.options.drainTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), drainMs)));
    if (await Promise.race([consumerStopped.then(() => false), timedOut])) {
      log('warn', `the in-flight chunk did not finish within ${drainMs} ms; it stays uncommitted`);
    }
    clearTimeout(timer);
    // Past the drain, retries give up; closing the producer also ends a send kafkajs would retry forever.
    this.abort.abort();
    await quietly('producer disconnect', () => handles.delivery?.stop());
    await consumerStopped;
    await quietly('consumer disconnect', () => handles.consumer?.disconnect());
    await quietly('health server close', () => handles.health?.close());
    await quietly('onShutdown', () => this.options.onShutdown?.());
    log('info', 'hop stopped', { crashed: Boolean(this.crashed) });
    if (this.crashed) this.settle[1](this.crashed);
    else this.settle[0]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
