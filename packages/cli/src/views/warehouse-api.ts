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
export async function getJson<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const base = warehouseApiUrl();
  const url = new URL(`${base}/api/${path}`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(`cannot reach the warehouse service at ${base} (${why}); start it with: adtrace up warehouse`);
  }
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (res.status === 404) throw new NotFound(body.error ?? `not found: ${url.pathname}`);
  if (!res.ok) throw new Error(`warehouse API ${url.pathname}: ${res.status} ${body.error ?? res.statusText}`);
  return body;
}
