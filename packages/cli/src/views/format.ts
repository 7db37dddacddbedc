/** Small formatting helpers for the terminal views. */

/** USD amounts span 1e-10 (a span) to dollars (a report): 3 significant digits, exponent when tiny. */
export function usd(v: number): string {
  if (v === 0) return '$0';
  const abs = Math.abs(v);
  return abs >= 0.001 ? `$${v.toPrecision(3)}` : `$${v.toExponential(2)}`;
}

export function ms(v: number): string {
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
