// The processes a benchmark started (services, hop children). A signal to the runner alone — a
// `timeout`, a `kill` — reaches none of them, and a benchmark cannot be drained: the runner stops
// them before it exits, as a terminal's Ctrl-C (to the whole process group) would.
import type { ChildProcess } from 'node:child_process';

const started = new Set<ChildProcess>();

export function tracked<C extends ChildProcess>(child: C): C {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** SIGTERM to every benchmark process still running, then SIGKILL to those left after `graceMs`. */
export async function stopStarted(graceMs = 10_000): Promise<void> {
  const alive = [...started].filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = alive.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
  for (const c of alive) c.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const c of alive) c.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exited);
  clearTimeout(timer);
}
