/** A sample of a growing count: when (performance.now()) and how many so far, from the run's start. */
export interface CountMark {
  readonly at: number;
  readonly n: number;
}

/**
 * The count's rate per second between `from` and `to` of `total`: from the sample before the
 * `from` crossing to the first sample at `to`. A count that passes both between two samples
 * (~250 ms apart) is measured over that interval — a little low, never 0 or infinite.
 */
export function rateBetween(marks: readonly CountMark[], total: number, from = 0.1, to = 0.9): number {
  if (total <= 0 || marks.length === 0) return Number.NaN;
  const reached = (share: number) => marks.findIndex((m) => m.n >= total * share);
  const [i, j] = [reached(from), reached(to)];
  if (j < 0) return Number.NaN;
  const first = marks[Math.max(0, i - 1)]!;
  const last = marks[j]!;
  const seconds = (last.at - first.at) / 1000;
  return seconds > 0 ? (last.n - first.n) / seconds : Number.NaN;
}
