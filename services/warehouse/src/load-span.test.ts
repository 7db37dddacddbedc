import { CpuPhase } from '@adtrace/stream';
import { CostAttributes, CostSpanProcessor } from '@adtrace/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@adtrace/telemetry/testing';
import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { measured } from './cpu-phase.ts';
import { tracedLoad } from './load-span.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanProcessors: [new CostSpanProcessor(), new SimpleSpanProcessor({ exporter })],
});
trace.setGlobalTracerProvider(provider);
afterAll(() => provider.shutdown());

const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
/** Spends `micros` of CPU on this thread. */
function burn(micros: number): void {
  const until = cpuNow() + micros;
  let x = 0;
  while (cpuNow() < until) x += Math.sqrt(x + 1);
}

const BURN_US = 150_000;
const result = { received: 10, inserted: 10, bytesWritten: 1000 };

describe('tracedLoad: what a load span is charged', () => {
  it('not the CPU of work done beside it while it waits (an OTLP request decoded meanwhile)', async () => {
    let finish: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const load = tracedLoad('spans', async () => {
      await waiting; // the database works; the event loop is free
      return result;
    });
    // Meanwhile: another request is decoded, measured on the process's CPU ledger.
    const { cpuMicros } = measured(() => burn(BURN_US));
    expect(cpuMicros).toBeGreaterThanOrEqual(BURN_US);
    finish();
    await load;
    const span = exporter.getFinishedSpans().find((s) => s.name === 'warehouse.load spans')!;
    // A clock window would hold all of the burn; the ledger leaves it to the decode.
    expect(span.attributes[CostAttributes.cpuMicros] as number).toBeLessThan(BURN_US / 3);
    exporter.reset();
  });

  it('the decoding of the spans it stores, named apart; and its own work', async () => {
    await tracedLoad(
      'spans',
      async () => {
        burn(BURN_US); // the load's own work (appending rows)
        return result;
      },
      40_000,
    );
    const span = exporter.getFinishedSpans().find((s) => s.name === 'warehouse.load spans')!;
    expect(span.attributes['adtrace.load.decode_cpu_us']).toBe(40_000);
    expect(span.attributes[CostAttributes.cpuMicros] as number).toBeGreaterThanOrEqual(BURN_US + 40_000);
    exporter.reset();
  });

  it('a phase that encloses it (the topic loader’s chunk) is not charged its CPU again', async () => {
    const chunk = new CpuPhase();
    await tracedLoad('impressions', async () => {
      burn(BURN_US);
      return result;
    });
    const span = exporter.getFinishedSpans().find((s) => s.name === 'warehouse.load impressions')!;
    expect(span.attributes[CostAttributes.cpuMicros] as number).toBeGreaterThanOrEqual(BURN_US);
    expect(chunk.end().cpuMicros).toBeLessThan(BURN_US / 3);
    exporter.reset();
  });

  it('loads of one transaction (a group commit) split its CPU by their shares, not all to the first to end', async () => {
    // Both loads wait on one transaction, which burns once; their answers name the group.
    let commit!: () => void;
    const transaction = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const member = (share: number) => async () => {
      await transaction;
      return { ...result, group: { id: 7, share } };
    };
    const spans = tracedLoad('spans', member(0.75));
    const impressions = tracedLoad('impressions', member(0.25));
    burn(BURN_US);
    commit();
    await Promise.all([spans, impressions]);
    const cpu = (name: string) =>
      exporter.getFinishedSpans().find((s) => s.name === name)!.attributes[CostAttributes.cpuMicros] as number;
    const [a, b] = [cpu('warehouse.load spans'), cpu('warehouse.load impressions')];
    expect(a + b).toBeGreaterThanOrEqual(BURN_US);
    expect(a / (a + b)).toBeCloseTo(0.75, 2);
    expect(b / (a + b)).toBeCloseTo(0.25, 2);
    exporter.reset();
  });
});
