// The CPU ledger is process-wide, so this file holds one test, which opens the process's first phase.
import { describe, expect, it } from 'vitest';
import { CpuPhase, chargeExcess, processCpuMicros } from './cpu-account.ts';

function burn(micros: number): void {
  const until = processCpuMicros() + micros;
  while (processCpuMicros() < until) {}
}

describe('the CPU ledger', () => {
  it('makes a later phase absorb handler spans charged beyond their share while no phase was open', () => {
    const cpuAtStart = processCpuMicros();
    const first = new CpuPhase();
    burn(2_000);
    const a = first.end().cpuMicros;
    // A chunk's handler spans were charged 20 ms more than its handling measured, between phases.
    chargeExcess(20_000);
    const later = new CpuPhase();
    burn(30_000);
    const b = later.end().cpuMicros;
    const cpu = processCpuMicros() - cpuAtStart;
    // Every span's charge together (the phases' and the excess) stays within the CPU used. Before,
    // the later phase was charged its whole 30 ms: 52 ms given for 32 used.
    expect(a + 20_000 + b).toBeLessThanOrEqual(cpu);
    expect(b).toBeGreaterThan(0);
    expect(b).toBeLessThan(30_000 - 15_000);
  });
});
