/** Small formatting helpers for the terminal views. */

/** USD amounts span 1e-10 (a span) to dollars (a report): 3 significant digits, exponent when tiny. */
export function usd(v: number): string {
  if (v === 0) return '$0';
  const abs = Math.abs(v);
  return abs >= 0.001 ? `$${v.toPrecision(3)}` : `$${v.toExponential(2)}`;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration given in ms, for people: in ms under 10 s, then in s, min, h and d — a click or
 * conversion joins its impression's trace minutes or days later, which read as 859624ms.
 */
export function ms(v: number): string {
  if (v >= 2 * DAY_MS) return `${(v / DAY_MS).toFixed(1)}d`;
  if (v >= 2 * HOUR_MS) return `${(v / HOUR_MS).toFixed(1)}h`;
  if (v >= 2 * MINUTE_MS) return `${(v / MINUTE_MS).toFixed(1)}min`;
  if (v >= 10_000) return `${(v / 1000).toFixed(1)}s`;
  return v >= 100 ? `${v.toFixed(0)}ms` : v >= 10 ? `${v.toFixed(1)}ms` : `${v.toFixed(2)}ms`;
}

export const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** Right-aligned columns for numbers, left for text; `align` per column ('l' or 'r'). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Cuts text to `width` characters with an ellipsis. */
export const clip = (text: string, width: number): string =>
  text.length <= width ? text : `${text.slice(0, width - 1)}…`;
