import type { Http2Server, ServerHttp2Session } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

/**
 * Raises the HTTP/2 receive windows of a bound grpc-js server: each new session advertises
 * `bytes` as its streams' initial window and opens its connection window to `bytes`.
 *
 * Why: grpc-js's server keeps Node's default of 64 KiB (grpc/grpc-node#3058 would add the
 * client's `grpc-node.flow_control_window` to it). An export of 4,096 spans is about a megabyte,
 * so each request crossed in ~16 windows, every one waiting for a WINDOW_UPDATE that needs both
 * event loops: the receiver's, and the exporting service's, which is busy handling its messages.
 * Measured in `pnpm bench hop`: 330–530 ms from one export's answer to the next request's
 * arrival, against 70–190 ms with an 8 MiB window (bench/README.md).
 *
 * grpc-js exposes neither its HTTP/2 servers nor their settings, so this reaches its private
 * `http2Servers` (@grpc/grpc-js 1.14.7, pinned). Returns false, changing nothing, if that is
 * gone; otlp-flow-control.test.ts then fails, so an upgrade says so.
 */
export function raiseFlowControlWindow(server: grpc.Server, bytes: number): boolean {
  const servers = (server as unknown as { http2Servers?: Map<Http2Server, unknown> }).http2Servers;
  if (!(servers instanceof Map) || servers.size === 0) return false;
  for (const http2Server of servers.keys()) {
    http2Server.on('session', (session: ServerHttp2Session) => {
      session.settings({ initialWindowSize: bytes });
      session.setLocalWindowSize(bytes);
    });
  }
  return true;
}
