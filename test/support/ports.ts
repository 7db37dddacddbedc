// Ports for the processes a test starts: below the kernel's ephemeral range (see
// packages/cli/src/free-port.ts), and each vitest worker in a slice of its own, so two test
// files running side by side never pick the same port before either binds it.
import { freePort as freePortIn, listenPortRange, portIsFree, slice } from '../../packages/cli/src/free-port.ts';

const WORKER_SLICES = 16;

export { portIsFree };

export function freePort(): Promise<number> {
  const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 0);
  return freePortIn(slice(listenPortRange(), worker, WORKER_SLICES));
}
