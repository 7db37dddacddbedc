/** A clock of CPU time in microseconds (user + system). */
export type CpuClock = () => number;

export type CpuClockKind = 'thread' | 'process';

/**
 * `process` (the default): getrusage(RUSAGE_SELF), microsecond steps. `thread` reads only this
 * thread (the JavaScript work, not GC helpers, libuv's pool or DuckDB's workers), but
 * getrusage(RUSAGE_THREAD) advances in scheduler ticks on many kernels — about 3 ms steps on
 * our Linux VMs — so most sub-millisecond spans would read 0 and a few a whole tick. Per-span
 * cost needs the fine clock; `thread` is there for kernels with precise thread accounting.
 * Falls back to process time where `process.threadCpuUsage` is missing (Node < 23.9).
 */
export function cpuClock(kind: CpuClockKind = 'process'): CpuClock {
  const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (kind === 'thread' && typeof threadCpuUsage === 'function') {
    return () => {
      const u = threadCpuUsage.call(process);
      return u.user + u.system;
    };
  }
  return () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
}
