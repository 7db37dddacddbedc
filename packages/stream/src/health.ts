import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthProbe {
  /** The process is worth keeping: false only after a crash. */
  live(): boolean;
  /** The consumer has joined and every assigned partition's stores are restored. */
  ready(): boolean;
}

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `/healthz` (liveness) and `/readyz` (readiness): 200 or 503, a one-line JSON body. */
export async function startHealthServer(port: number, probe: HealthProbe): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    const ok = path === '/healthz' ? probe.live() : path === '/readyz' ? probe.ready() : undefined;
    if (ok === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
