// Runs the adtrace CLI as a user would, in a process of its own, but isolated from everything
// else on the machine: its own ADTRACE_HOME, its own ports for every service, its own consumer
// group. Leftovers are found by that home: every process the CLI starts (services, the broker)
// inherits ADTRACE_HOME, so any process whose environment names it is one of ours.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { workspaceRoot } from '@adtrace/cli';
import { ensureKafkaJars, localKafkaConfig } from '@adtrace/cli/local-kafka';
import { Kafka, logLevel } from 'kafkajs';
import { serviceRegistry } from '../../packages/cli/src/service-registry.ts';
import { freePort, portIsFree } from '../support/ports.ts';

export { freePort, portIsFree };

export interface Sandbox {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every port the CLI and what it starts may listen on. */
  readonly ports: number[];
  /** Pids of live processes whose environment carries this sandbox's ADTRACE_HOME. */
  leftovers(): number[];
  /**
   * Kills leftovers (a failed test must not leave them), removes the home, and on a shared
   * broker deletes the sandbox's topics (its namespace's and its groups' changelogs).
   */
  dispose(): Promise<void>;
}

/**
 * A sandbox on `brokers` (KAFKA_BROKERS), or with its own local broker on free ports when
 * `brokers` is undefined (the Kafka jars are shared with the workspace's, fetched once).
 */
export async function sandbox(brokers: readonly string[] | undefined): Promise<Sandbox> {
  const home = mkdtempSync(join(tmpdir(), 'adtrace-cli-'));
  // Its own topics too: on a shared broker (a running pipeline's, which the tests reuse when one
  // answers on the local address) a sandbox on the default names read that pipeline's requests
  // with fresh groups and wrote its own copies into that pipeline's topics.
  const namespace = `test-cli-${randomUUID().slice(0, 8)}`;
  const [otlp, api, ready, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  // Every stream service gets its own health port and consumer group: a sandbox must never join
  // the real groups or collide with a running pipeline.
  const services = serviceRegistry.filter((e) => e.name !== 'warehouse');
  const servicePorts = await Promise.all(services.map(() => freePort()));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ADTRACE_HOME: home,
    ADTRACE_TOPIC_NAMESPACE: namespace,
    WAREHOUSE_OTLP_PORT: String(otlp),
    WAREHOUSE_API_PORT: String(api),
    WAREHOUSE_LOADER_HEALTH_PORT: String(ready),
    ADTRACE_METRICS_PORT: String(metrics),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlp}`,
    WAREHOUSE_LOADER_GROUP: `test-cli-${randomUUID().slice(0, 8)}`,
    // No steady demo load from `start`: the sandbox's fresh groups read the shared topics from
    // the beginning, so every request one test sends is work for every later test's pipeline.
    // test/cli/demo.test.ts drives the load; start-stop tests the lifecycle.
    ADTRACE_DEMO_RATE: '0',
    ...Object.fromEntries(
      services.flatMap((e, i) => [
        [e.ready.portVar, String(servicePorts[i])],
        [`${e.name.toUpperCase().replaceAll('-', '_')}_GROUP`, `test-cli-${e.name}-${randomUUID().slice(0, 8)}`],
      ]),
    ),
  };
  delete env.ADTRACE_WAREHOUSE_API;
  // The CLI makes a machine's own secrets under its home: a sandbox must not borrow the caller's.
  for (const secret of services.flatMap((e) => e.secrets ?? [])) {
    delete env[secret];
    delete env[`${secret}_FILE`];
  }
  const ports = [otlp, api, ready, metrics, ...servicePorts];
  if (brokers) {
    env.KAFKA_BROKERS = brokers.join(',');
  } else {
    delete env.KAFKA_BROKERS;
    const shared = localKafkaConfig();
    await ensureKafkaJars(shared, () => {});
    mkdirSync(join(home, 'kafka'), { recursive: true });
    symlinkSync(shared.libsDir, join(home, 'kafka', 'libs'));
    const [kafka, controller] = [await freePort(), await freePort()];
    env.ADTRACE_KAFKA_PORT = String(kafka);
    env.ADTRACE_KAFKA_CONTROLLER_PORT = String(controller);
    ports.push(kafka, controller);
  }
  const leftovers = () => processesWith(`ADTRACE_HOME=${home}`);
  return {
    home,
    env,
    ports,
    leftovers,
    async dispose() {
      for (const pid of leftovers()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      rmSync(home, { recursive: true, force: true });
      if (brokers) await deleteTopicsOf(brokers, env, namespace);
    },
  };
}

/** Deletes the sandbox's topics on a shared broker: its namespace's, and its groups' changelogs. */
async function deleteTopicsOf(brokers: readonly string[], env: NodeJS.ProcessEnv, namespace: string): Promise<void> {
  const groups = Object.entries(env)
    .filter(([name]) => name.endsWith('_GROUP'))
    .map(([, group]) => group!);
  const admin = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const ours = (await admin.listTopics()).filter(
      (t) => t.startsWith(`${namespace}.`) || groups.some((g) => t.startsWith(`${g}.`) || t.startsWith(`${g}-`)),
    );
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } catch {
    // Best effort: a broker gone already (a test that stopped it) leaves nothing to delete.
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function processesWith(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (environ.includes(entry) && state !== 'Z') found.push(Number(name));
    } catch {} // gone meanwhile, or not ours to read
  }
  return found;
}

export interface CliRun {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /**
   * Resolves once the output (from offset `from` on) contains `text`; rejects if the process
   * exits first or after `timeoutMs`.
   */
  waitFor(text: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<void>;
  /** Its exit code (a signal death becomes 128 + n). */
  readonly exited: Promise<number>;
}

/** `adtrace <args>` in its own process group (as a terminal runs it), in the sandbox's environment. */
export function runCli(box: Sandbox, args: readonly string[]): CliRun {
  const child = spawn(process.execPath, [join(workspaceRoot, 'packages/cli/src/main.ts'), ...args], {
    cwd: workspaceRoot,
    env: box.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const append = (b: Buffer) => {
    text += b.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let code: number | undefined;
  const exited = new Promise<number>((resolve) =>
    child.once('close', (c, sig) => {
      code = c ?? 128 + (sig === 'SIGKILL' ? 9 : 15);
      resolve(code);
    }),
  );
  const matches = (t: string | RegExp, from: number) =>
    typeof t === 'string' ? text.slice(from).includes(t) : t.test(text.slice(from));
  return {
    child,
    output: () => text,
    exited,
    async waitFor(t, { timeoutMs = 120_000, from = 0 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (!matches(t, from)) {
        if (code !== undefined) throw new Error(`exited (${code}) before printing ${t}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`no ${t} after ${timeoutMs} ms:\n${text}`);
        await sleep(100);
      }
    },
  };
}

export async function heldPorts(box: Sandbox): Promise<number[]> {
  const held: number[] = [];
  for (const port of box.ports) if (!(await portIsFree(port))) held.push(port);
  return held;
}
