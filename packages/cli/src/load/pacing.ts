// The load's clock: event i is due at i / rate seconds after the start, so the rate holds on
// average however the sends are batched, and a slow broker makes the load late, never faster
// afterwards than `maxBatch` at once.

/** How many of `total` events are due `elapsedMs` after the start at `rate` events/s. */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** Milliseconds from the start until event `index` is due. */
export function dueAtMs(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** `[##########..........]  5,000/10,000  50%  998/s  5.0 s` */
export function progressLine(sent: number, total: number, elapsedMs: number, width = 24): string {
  const fraction = total === 0 ? 1 : sent / total;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? Math.round((sent * 1000) / elapsedMs) : 0;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${sent.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` +
    `  ${Math.floor(fraction * 100)}%  ${rate.toLocaleString('en-US')}/s  ${(elapsedMs / 1000).toFixed(1)} s`
  );
}
