import type { Hop } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { combineHops } from './tracking-service.ts';

/** A hop with no Kafka: records what was asked of it, and can be made to crash. */
function plainHop(name: string, log: string[]) {
  let settle: [() => void, (e: unknown) => void] = [() => {}, () => {}];
  const done = new Promise<void>((resolve, reject) => {
    settle = [resolve, reject];
  });
  done.catch(() => {});
  let crashed: unknown;
  const hop: Hop = {
    name,
    healthPort: undefined,
    ready: true,
    done,
    async start() {
      log.push(`start ${name}`);
    },
    async stop() {
      log.push(`stop ${name}`);
      if (crashed) settle[1](crashed);
      else settle[0]();
    },
    [Symbol.asyncDispose]: async () => {},
  };
  return {
    hop,
    crash(error: Error) {
      crashed = error;
      void hop.stop();
    },
  };
}

describe('combineHops', () => {
  it('starts in order, stops all once, then runs onShutdown', async () => {
    const log: string[] = [];
    const [a, b] = [plainHop('rekey', log), plainHop('attribute', log)];
    const both = combineHops([a.hop, b.hop], () => void log.push('shutdown'));
    expect(both.name).toBe('attribute');
    await both.start();
    await Promise.all([both.stop(), both.stop()]);
    await both.done;
    expect(log).toEqual(['start rekey', 'start attribute', 'stop rekey', 'stop attribute', 'shutdown']);
  });

  it('a crash of one stops the other and rejects done with it', async () => {
    const log: string[] = [];
    const [a, b] = [plainHop('rekey', log), plainHop('attribute', log)];
    const both = combineHops([a.hop, b.hop], () => void log.push('shutdown'));
    await both.start();
    const boom = new Error('stage one crashed');
    a.crash(boom);
    await expect(both.done).rejects.toBe(boom);
    expect(log).toContain('stop attribute');
    expect(log.at(-1)).toBe('shutdown');
  });

  it('does not start the next hop once stopped', async () => {
    const log: string[] = [];
    const a = plainHop('rekey', log);
    const b = plainHop('attribute', log);
    const both = combineHops([a.hop, b.hop]);
    await both.stop();
    await expect(both.start()).rejects.toThrow(/stopped while starting/);
    expect(log).not.toContain('start attribute');
  });
});
