import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadRequest, type Route } from './routes.ts';
import { UI_CONTENT_SECURITY_POLICY, type UiFile } from './ui-files.ts';

export interface ApiServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** node:http, GET only: JSON at `/api/<route>[/<id>]?…`, the web view's files at `/ui/<file>` (`/` leads there). */
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
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    route(url.searchParams, id ? decodeURIComponent(id) : undefined).then(
      (reply) => send(reply.status, reply.body),
      (err: unknown) => {
        if (err instanceof BadRequest || err instanceof RangeError) return send(400, { error: err.message });
        log('error', `GET ${url.pathname} failed: ${String(err)}`);
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
