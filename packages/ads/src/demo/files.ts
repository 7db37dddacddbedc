// Where the package's committed data lives. The package does no I/O: callers (the CLI, the
// services, tests) read these files and hand the parsed records to the pure functions.

/** The demo catalog, one Campaign record (JSON) per line: `adtrace campaigns publish` input. */
export const DEMO_CATALOG_URL = new URL('../../data/demo-catalog.ndjson', import.meta.url);
/** The demo users, one DemoUser per line: `adtrace segments publish` input. */
export const DEMO_USERS_URL = new URL('../../data/demo-users.ndjson', import.meta.url);
/** Example segment definitions for the demo: `adtrace segments build` input. */
export const DEMO_SEGMENT_DEFINITIONS_URL = new URL('../../data/demo-segments.json', import.meta.url);
/** The shipped pCTR model, trained on the demo ground truth (scripts/train-pctr.ts). */
export const SHIPPED_PCTR_MODEL_URL = new URL('../../models/pctr-demo-1.json', import.meta.url);

/** Parses newline-delimited JSON; an error names the line, so a bad record is easy to find. */
export function parseNdjson<T = unknown>(text: string): T[] {
  const out: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as T);
    } catch (err) {
      throw new Error(`line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}

/** The inverse of parseNdjson: one compact JSON record per line. */
export function toNdjson(records: readonly unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}
