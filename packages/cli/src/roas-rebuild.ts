import { setTimeout as sleep } from 'node:timers/promises';
import type { RoasGenerationRow } from '@adtrace/warehouse';
import { bringUp } from './bring-up.ts';
import { print } from './command.ts';
import { freePort } from './free-port.ts';
import {
  listInstances,
  type ServiceInstance,
  saveInstance,
  saveServiceOverrides,
  serviceOverrides,
} from './service-instances.ts';
import { type ServiceEntry, serviceRegistry } from './service-registry.ts';
import { logTail, serviceState, stopService } from './services.ts';
import { getJson } from './views/warehouse-api.ts';

export interface RebuildOptions {
  /** Watch until the warehouse switched, then retire the old generation (default). */
  readonly wait: boolean;
  readonly intervalMs: number;
  /** Give up watching after this long (the rebuild keeps running). */
  readonly timeoutMs?: number;
}

const generations = async () => (await getJson<{ generations: RoasGenerationRow[] }>('roas-generations')).generations;

const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** The registered service whose numbers have generations (aggregation). */
function rebuildable(): ServiceEntry & Required<Pick<ServiceEntry, 'generations'>> {
  const found = serviceRegistry.find((s) => s.generations);
  if (!found?.generations) throw new Error('no registered service has generations');
  return found as ServiceEntry & Required<Pick<ServiceEntry, 'generations'>>;
}

/**
 * `adtrace roas rebuild`: a new generation N + 1 (N: the highest the warehouse has seen or the
 * service runs) as an instance `aggregation-g<N+1>` beside the live one, from the beginning of
 * its input into empty state; watched through the warehouse until it is current there; then
 * the old generation is retired: the live process stops, and the service runs generation N + 1
 * from now on (its committed state, under its registered name and ports).
 */
export async function rebuildRoas(options: RebuildOptions): Promise<number> {
  const entry = rebuildable();
  const { variable, groupVariable } = entry.generations;
  const before = await generations();
  const current = before.find((g) => g.current);
  if (!current) {
    print('no ROAS windows in the warehouse yet: nothing to rebuild');
    return 1;
  }
  let instance = listInstances().find((i) => i.service === entry.name && serviceState(i.name).running);
  if (instance) {
    print(`${instance.name} is already rebuilding generation ${instance.env[variable]}: watching it`);
  } else {
    const runs = Number(serviceOverrides(entry.name)[variable] ?? process.env[variable] ?? 0);
    const next = Math.max(runs, ...before.map((g) => g.generation)) + 1;
    const baseGroup = process.env[groupVariable]?.trim();
    instance = {
      name: `${entry.name}-g${next}`,
      service: entry.name,
      readyPort: await freePort(),
      metricsPort: await freePort(),
      env: { [variable]: String(next), ...(baseGroup && { [groupVariable]: `${baseGroup}-g${next}` }) },
    } satisfies ServiceInstance;
    saveInstance(instance);
    print(`generation ${next}: a new ${entry.name} from the beginning of its input, into empty state`);
    await bringUp([instance.name]);
  }
  const generation = Number(instance.env[variable]);
  if (!options.wait) {
    print(`watch it: adtrace roas rebuild (again); the warehouse switches once it has caught up`);
    return 0;
  }
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const all = await generations();
    const now = all.find((g) => g.current);
    if (now?.generation === generation) break;
    const mine = all.find((g) => g.generation === generation);
    const line = !mine
      ? `generation ${generation}: no windows yet`
      : `generation ${generation}: ${mine.caughtUpCampaigns} of ${mine.currentCampaigns} campaigns caught up, ` +
        `complete through ${at(mine.completeThroughMaxMs)} (current generation ${now?.generation}: ` +
        `${now ? at(now.completeThroughMaxMs) : '–'})`;
    if (line !== last) print(line);
    last = line;
    if (!serviceState(instance.name).running) {
      print(
        `${instance.name} exited; the last lines of ${serviceState(instance.name).log}:\n${logTail(instance.name)}`,
      );
      return 1;
    }
    if (Date.now() > deadline) {
      print(`not caught up yet; ${instance.name} keeps running (adtrace roas rebuild watches it again)`);
      return 1;
    }
    await sleep(options.intervalMs);
  }
  print(`generation ${generation} is current in the warehouse (caught up with generation ${current.generation})`);
  // Retire: the old generation's process stops; the rebuild goes on under the service's own name.
  const live = serviceState(entry.name).running;
  if (live) await stopService(entry.name);
  await stopService(instance.name);
  saveServiceOverrides(entry.name, instance.env);
  await bringUp([entry.name]);
  print(
    `generation ${current.generation} retired${live ? ` (its ${entry.name} process stopped)` : ''}; ` +
      `${entry.name} runs generation ${generation} from now on; the old rows stay in roas_window_generations`,
  );
  return 0;
}
