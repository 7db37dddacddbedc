import type { BootHooks, HopHandles } from './boot.ts';
import { Abandon } from './control.ts';
import { HopCrashedError } from './errors.ts';
import type { Hop } from './hop.ts';
import { jsonLog } from './log.ts';
import type { Log } from './types.ts';

/** What the lifecycle needs of a hop's or a sink's options. */
export interface RuntimeOptions {
  readonly name: string;
  readonly onShutdown?: () => void | Promise<void>;
  readonly log?: Log;
  readonly drainTimeoutMs?: number;
}

/** Starts the consumer and whatever a chunk needs, filling in `handles` as it goes. */
export type Boot = (handles: HopHandles, hooks: BootHooks) => Promise<void>;

/**
 * The lifecycle every consumer of the runtime shares (hops and sinks): one start, one idempotent
 * stop that drains the in-flight chunk, a crash that stops everything and settles `done`.
 */
export class StreamRuntime implements Hop {
  readonly name: string;
  readonly done: Promise<void>;
  private readonly options: RuntimeOptions;
  private readonly boot: Boot;
  private readonly log: Log;
  private readonly abort = new AbortController();
  private readonly handles: HopHandles = {};
  private settle: [() => void, (e: unknown) => void] = [() => {}, () => {}];
  private starting: Promise<void> | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private crashed: HopCrashedError | undefined;

  constructor(options: RuntimeOptions, boot: Boot) {
    this.options = options;
    this.boot = boot;
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
    const { assignment, tasks } = this.handles;
    return Boolean(assignment?.joined && tasks?.ready) && !this.stopping && !this.crashed;
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
    this.starting = this.boot(this.handles, hooks);
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
    clearInterval(handles.ticker);
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
    await quietly('global tables close', () => Promise.all((handles.tables ?? []).map((t) => t.close())));
    await quietly('onShutdown', () => this.options.onShutdown?.());
    log('info', 'hop stopped', { crashed: Boolean(this.crashed) });
    if (this.crashed) this.settle[1](this.crashed);
    else this.settle[0]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
