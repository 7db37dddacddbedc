import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports a service may be told to listen on, later, by another process.
 *
 * `listen(0)` is the wrong source for these: it hands out a port from the kernel's ephemeral
 * range, the range every outgoing connection (a Kafka client's, say) takes its local port
 * from, so by the time the service binds it a connection may hold it (EADDRINUSE). The ports
 * here come from below that range, are checked free where services listen (every interface),
 * and are never handed out twice by one process.
 */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

const handedOut = new Set<number>();

/** The ports below the kernel's ephemeral range, above the well-known and the common fixed ones. */
export function listenPortRange(): PortRange {
  let ephemeralLow = 32_768; // Linux's default; macOS and Windows start at 49152
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > 20_000) ephemeralLow = low;
  } catch {} // no /proc: the default
  return { low: 20_000, high: ephemeralLow - 1 };
}

/** `count` equal, disjoint slices of `range`; slice `index` (wrapped), for callers that run side by side. */
export function slice(range: PortRange, index: number, count: number): PortRange {
  const size = Math.floor((range.high - range.low + 1) / count);
  const low = range.low + (((index % count) + count) % count) * size;
  return { low, high: low + size - 1 };
}

/** Whether nothing listens on `port` (nor holds it) on any interface. */
export function portIsFree(port: number): Promise<boolean> {
  const tryListen = (host: string) =>
    new Promise<boolean | 'no-family'>((resolve) => {
      const s = createServer();
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EAFNOSUPPORT' ? 'no-family' : false));
      s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
    });
  return tryListen('::').then((v6) => (v6 === 'no-family' ? tryListen('0.0.0.0').then((v4) => v4 === true) : v6));
}

/** A free port in `range` (default: below the ephemeral range), starting from a random one. */
export async function freePort(range: PortRange = listenPortRange()): Promise<number> {
  const size = range.high - range.low + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = range.low + ((start + i) % size);
    if (handedOut.has(port) || !(await portIsFree(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${range.low}-${range.high}`);
}
