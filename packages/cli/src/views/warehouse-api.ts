import type { NoFillReport, TraceStages } from '@adtrace/warehouse';

/** The warehouse service's query API, as the trace/cost/roas/dlq commands read it. */

export const DEFAULT_WAREHOUSE_API = 'http://127.0.0.1:8686';

/** ADTRACE_WAREHOUSE_API; else the local service, on WAREHOUSE_API_PORT when that moved it. */
export function warehouseApiUrl(): string {
  const port = process.env.WAREHOUSE_API_PORT?.trim();
  const raw = process.env.ADTRACE_WAREHOUSE_API?.trim() || (port ? `http://127.0.0.1:${port}` : DEFAULT_WAREHOUSE_API);
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new Error(`ADTRACE_WAREHOUSE_API must be an http:// URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

export class NotFound extends Error {
  override readonly name = 'NotFound';
}

/** GET <api>/api/<path>; a 404 becomes NotFound, other failures an Error that says what to do. */
export function getJson<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const base = warehouseApiUrl();
  const url = new URL(`${base}/api/${path}`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  return requestJson<T>(base, url, {});
}

/**
 * The same query POSTed, its parameters a JSON body: for lists of ids a URL cannot carry (500
 * trace ids are ~17 KB, over node:http's 16 KiB for a request's line and headers: 431).
 */
export function postJson<T>(path: string, params: Record<string, string | number | readonly string[]>): Promise<T> {
  const base = warehouseApiUrl();
  return requestJson<T>(base, new URL(`${base}/api/${path}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
}

/** The spans per service and name of each of these traces (`adtrace demo`'s complete traces). */
export async function traceStagesOf(traceIds: readonly string[]): Promise<TraceStages[]> {
  return (await postJson<{ traces: TraceStages[] }>('trace-stages', { traceIds })).traces;
}

/** The auction outcomes of these traces' requests, and their no-fill reasons. */
export function noFillsOf(traceIds: readonly string[]): Promise<NoFillReport> {
  return postJson<NoFillReport>('no-fill', { traceIds });
}

async function requestJson<T>(base: string, url: URL, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(`cannot reach the warehouse service at ${base} (${why}); start it with: adtrace up warehouse`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (res.status === 404) throw new NotFound(body.error ?? `not found: ${url.pathname}`);
  if (!res.ok) throw new Error(`warehouse API ${url.pathname}: ${res.status} ${body.error ?? res.statusText}`);
  return body;
}
