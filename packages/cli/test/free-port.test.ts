import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, listenPortRange, slice } from '../src/free-port.ts';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function listening(port: number, host: string): Promise<Server> {
  const server = createServer((s) => s.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  open.push(server);
  return server;
}

describe('freePort: ports for a service another process starts later', () => {
  it('come from below the ephemeral range, where no outgoing connection takes its local port, and are never handed out twice', async () => {
    const range = listenPortRange();
    const [ephemeralLow] = (await import('node:fs'))
      .readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(range.high).toBe((ephemeralLow ?? 0) - 1);
    const ports = await Promise.all(Array.from({ length: 100 }, () => freePort()));
    expect(new Set(ports).size).toBe(100);
    for (const p of ports) expect(p < (ephemeralLow ?? 0) && p >= range.low, `port ${p}`).toBe(true);
  });

  it('skip a port an open connection holds as its local port, and one a listener holds on loopback only', async () => {
    const target = await listening(0, '127.0.0.1');
    const targetPort = (target.address() as { port: number }).port;
    const base = await freePort(slice(listenPortRange(), 7, 8));
    const [held, loopback, free] = [base, base + 1, base + 2];
    const socket = connect({ port: targetPort, host: '127.0.0.1', localPort: held });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    open.push({ close: () => socket.destroy() });
    await listening(loopback, '127.0.0.1');
    expect(await freePort({ low: held, high: free })).toBe(free);
  });

  it('split a range into disjoint slices for callers that run side by side', () => {
    const range = { low: 20_000, high: 32_767 };
    const slices = Array.from({ length: 16 }, (_, i) => slice(range, i, 16));
    for (const [i, s] of slices.entries()) {
      expect(s.low).toBeGreaterThanOrEqual(range.low);
      expect(s.high).toBeLessThanOrEqual(range.high);
      if (i > 0) expect(s.low).toBeGreaterThan(slices[i - 1]?.high ?? Number.POSITIVE_INFINITY);
    }
    expect(slice(range, 17, 16)).toEqual(slices[1]);
  });
});
