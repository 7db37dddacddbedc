import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadRequest, type Route } from './routes.ts';
import { UI_CONTENT_SECURITY_POLICY, type UiFile } from './ui-files.ts';

export interface ApiServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * The most a POSTed query may weigh: 1,000 trace ids are ~35 KB. A URL cannot carry such lists:
 * node:http refuses a request line and headers over 16 KiB (431), and proxies often stop at 8.
 */
export const MAX_QUERY_BODY_BYTES = 1024 * 1024;

/**
 * node:http: JSON at `GET /api/<route>[/<id>]?…`, or the same query POSTed with its parameters as a
 * JSON object (`{"traceIds": ["…", …]}`: a list is what a comma-separated parameter holds), for
 * lists of ids too long for a URL; the web view's files at `/ui/<file>` (`/` leads there).
 */
export async function startApiServer(
  host: string,
  port: number,
  table: Record<string, Route>,
  log: (level: 'warn' | 'error', message: string) => void,
  ui: ReadonlyMap<string, UiFile> = new Map(),
): Promise<ApiServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, api, name, id, ...rest] = url.pathname.split('/');
    if (api !== 'api' && ui.size > 0) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'GET only' });
      if (url.pathname === '/' || url.pathname === '/ui') {
        res.writeHead(302, { location: '/ui/' });
        return res.end();
      }
      const file = api === 'ui' && rest.length === 0 && id === undefined ? ui.get(name || 'index.html') : undefined;
      if (file) {
        res.writeHead(200, {
          'content-type': file.contentType,
          'content-length': file.body.length,
          'content-security-policy': UI_CONTENT_SECURITY_POLICY,
          'cache-control': 'no-cache',
        });
        return res.end(req.method === 'HEAD' ? undefined : file.body);
      }
    }
    const route = api === 'api' && name ? table[name] : undefined;
    if (!route || rest.length > 0)
      return send(404, { error: `no such endpoint ${url.pathname}; try /api/${Object.keys(table).join(', /api/')}` });
    if (req.method !== 'GET' && req.method !== 'POST') return send(405, { error: 'GET or POST only' });
    const params = req.method === 'POST' ? readParams(req, url.searchParams) : Promise.resolve(url.searchParams);
    params
      .then((p) => route(p, id ? decodeURIComponent(id) : undefined))
      .then(
        (reply) => send(reply.status, reply.body),
        (err: unknown) => {
          if (err instanceof BadRequest || err instanceof RangeError) return send(400, { error: err.message });
          if (err instanceof TooLarge) return send(413, { error: err.message });
          log('error', `${req.method} ${url.pathname} failed: ${String(err)}`);
          send(500, { error: err instanceof Error ? err.message : String(err) });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  let stopped: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

class TooLarge extends Error {
  override readonly name = 'TooLarge';
}

/** A POSTed query's parameters: the URL's, then each field of its JSON object body (lists comma-joined). */
async function readParams(req: IncomingMessage, fromUrl: URLSearchParams): Promise<URLSearchParams> {
  const text = (await readBody(req)).toString('utf8');
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadRequest('the body must be a JSON object of query parameters, e.g. {"traceIds": ["…"]}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('the body must be a JSON object of query parameters, e.g. {"traceIds": ["…"]}');
  }
  const params = new URLSearchParams(fromUrl);
  for (const [name, value] of Object.entries(body)) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) {
      throw new BadRequest(`${name} must be a string, a number or a list of them`);
    }
    params.set(name, list.join(','));
  }
  return params;
}

/** The body, up to MAX_QUERY_BODY_BYTES; past that the rest is read and dropped, and it fails with TooLarge. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_QUERY_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size <= MAX_QUERY_BODY_BYTES
        ? resolve(Buffer.concat(chunks))
        : reject(new TooLarge(`a query body may hold at most ${MAX_QUERY_BODY_BYTES} bytes, got ${size}`)),
    );
    req.on('error', reject);
  });
}
