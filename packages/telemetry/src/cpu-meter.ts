import { type Context, createContextKey } from '@opentelemetry/api';

/**
 * How the stream runtime tells the cost processor what CPU the current phase of a message's
 * handling burns, without the processor reading a CPU clock per span (each read costs about
 * 1 µs, and a process clock cannot tell interleaved async handlers apart).
 *
 * The runtime measures CPU per chunk phase and keeps `rate` = CPU µs per wall-clock µs of that
 * phase (≥ 0) up to date; a span the service starts inside the handler is charged
 * `self wall time × rate` when it ends, and that charge is added to `chargedUs`, so the runtime
 * can subtract it from the process span's share (the same microsecond is never on two spans).
 *
 * One meter per handler invocation (or per set of handlers that never overlap in time): spans
 * under one meter that are open at the same time are each charged their own wall time × rate,
 * so overlapping handlers sharing a meter would be charged the shared time twice.
 */
export interface CpuMeter {
  /** CPU µs per wall-clock µs of the current phase, read when a metered span ends. */
  rate: number;
  /** CPU µs the processor has charged to spans under this meter so far. */
  chargedUs: number;
}

/**
 * `createContextKey` is `Symbol.for(…)`: the runtime and the processor reach the same key
 * through this module, and a second copy of the module would still agree.
 */
export const CPU_METER_KEY = createContextKey('adtrace.cpu meter');

/** `ctx` with `meter` attached: spans started in it (and its descendants) are metered. */
export function withCpuMeter(ctx: Context, meter: CpuMeter): Context {
  return ctx.setValue(CPU_METER_KEY, meter);
}

/** The meter attached to `ctx`, if it is one (a value of the right shape). */
export function cpuMeterOf(ctx: Context): CpuMeter | undefined {
  const m = ctx.getValue(CPU_METER_KEY) as Partial<CpuMeter> | undefined;
  return m && typeof m.rate === 'number' && typeof m.chargedUs === 'number' ? (m as CpuMeter) : undefined;
}
