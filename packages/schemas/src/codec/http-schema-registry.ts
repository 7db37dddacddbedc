import { CodecError } from './codec-error.ts';
import type { SchemaRegistry } from './schema-registry.ts';

export interface HttpSchemaRegistryOptions {
  /** Base URL, e.g. http://localhost:8081; user:password@ in it becomes basic auth. */
  readonly url: string;
  /** Per-request timeout; default 5 s. */
  readonly timeoutMs?: number;
  /** For tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A client for the Confluent Schema Registry REST API (the two calls a codec needs). 5xx,
 * timeouts and network errors are thrown as plain errors, which codecs report as retriable
 * REGISTRY_UNAVAILABLE; a 4xx on register (e.g. 409 incompatible) will not change on retry
 * and becomes CodecError REGISTRY_REJECTED.
 */
export function createHttpSchemaRegistry(options: HttpSchemaRegistryOptions): SchemaRegistry {
  const base = new URL(options.url);
  const headers: Record<string, string> = { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE };
  if (base.username) {
    const credentials = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const root = base.href.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;

  const call = async (path: string, init: RequestInit = {}): Promise<Response> =>
    doFetch(`${root}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });

  return {
    async register(subject, schema) {
      const response = await call(`/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        body: JSON.stringify({ schema }),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: unknown; message?: unknown };
      if (response.ok && typeof body.id === 'number') return body.id;
      const detail = `registering ${subject}: HTTP ${response.status} ${String(body.message ?? '')}`.trim();
      if (response.status >= 400 && response.status < 500) throw new CodecError('REGISTRY_REJECTED', detail);
      throw new Error(detail);
    },
    async schemaById(id) {
      const response = await call(`/schemas/ids/${id}`);
      if (response.status === 404) return undefined;
      const body = (await response.json().catch(() => ({}))) as { schema?: unknown };
      if (response.ok && typeof body.schema === 'string') return body.schema;
      throw new Error(`schema id ${id}: HTTP ${response.status}`);
    },
  };
}
