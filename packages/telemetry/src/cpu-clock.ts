/** A clock of CPU time in microseconds (user + system). */
export type CpuClock = () => number;

export type CpuClockKind = 'thread' | 'process';

/**
 * `thread` (the default) reads this thread's CPU time: the JavaScript work of the span, not
 * the GC helper threads, libuv's pool or DuckDB's workers that process time would add. Falls
 * back to process time where `process.threadCpuUsage` is missing (Node < 23.9).
 */
export function cpuClock(kind: CpuClockKind = 'thread'): CpuClock {
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
