import { describe } from './errors.ts';
import type { Hop } from './hop.ts';

/**
 * What a service's main.ts calls: start the hop, stop it on SIGTERM/SIGINT (every signal goes
 * to the same idempotent stop), and report a crash with process.exitCode = 1 — never
 * process.exit(), so the shutdown's last writes and telemetry flushes complete.
 */
export async function runUntilSignal(
  hop: Hop,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): Promise<void> {
  const onSignal = () => void hop.stop();
  for (const s of signals) process.on(s, onSignal);
  try {
    await hop.start();
    await hop.done;
  } catch (error) {
    // start() rejects too when a signal stops the hop before it ran: only a crash is a failure.
    const crashed = await hop.done.then(
      () => false,
      () => true,
    );
    if (crashed) {
      process.exitCode = 1;
      process.stderr.write(`${hop.name} stopped: ${describe(error)}\n`);
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
