import { CpuPhase } from '@adtrace/stream';
import { CostAttributes } from '@adtrace/telemetry';
import type { Span } from '@opentelemetry/api';

/**
 * The warehouse's own spans (loads, queries) are charged CPU from the process's CPU ledger, the
 * stream runtime's (`CpuPhase`): the CPU used while the span ran **minus what other phases were
 * charged meanwhile** — the OTLP requests decoded while a load waited on the database, the topic
 * loader's chunks, queries — so no microsecond is charged twice and a load is not charged for
 * decoding requests that go into the next load. (A plain clock window, the cost processor's
 * default for spans outside a hop, charges every open span all the process's CPU: decoding,
 * exporting, the other loads.) CPU outside every phase (span export on its timer, GC on its
 * own) is charged to no span. Start the span with `UNMEASURED` so the cost processor leaves
 * its CPU to this.
 */
export const UNMEASURED = { [CostAttributes.cpuMicros]: 0 } as const;

export function startPhase(): CpuPhase {
  return new CpuPhase();
}

/** Ends the phase and writes its CPU (plus `extraMicros` measured elsewhere for this span) on the span. */
export function chargePhase(span: Span, phase: CpuPhase, extraMicros = 0): number {
  const cpuMicros = phase.end().cpuMicros + extraMicros;
  span.setAttribute(CostAttributes.cpuMicros, cpuMicros);
  return cpuMicros;
}

/**
 * A synchronous piece of work (decoding an OTLP request) measured on the ledger: its result and
 * the CPU micros it took, entered as charged so that phases open meanwhile (a load waiting on the
 * database) do not count it as theirs. A failure is entered too, and rethrown.
 */
export function measured<T>(work: () => T): { result: T; cpuMicros: number } {
  const phase = new CpuPhase();
  let result: T;
  try {
    result = work();
  } catch (error) {
    phase.end();
    throw error;
  }
  return { result, cpuMicros: phase.end().cpuMicros };
}
