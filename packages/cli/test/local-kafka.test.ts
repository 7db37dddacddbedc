// The local broker manager against a second, throwaway broker (its own home and ports), so the
// broker the other tests use is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports.ts';
import {
  brokerStatus,
  ensureKafkaJars,
  localKafkaConfig,
  pomKafkaVersion,
  startBroker,
  stopBroker,
} from '../src/local-kafka/index.ts';

const home = mkdtempSync(join(tmpdir(), 'adtrace-kafka-'));
const shared = localKafkaConfig();
const logs: string[] = [];
const log = (line: string) => void logs.push(line);

let cfg: ReturnType<typeof localKafkaConfig>;
beforeAll(async () => {
  await ensureKafkaJars(shared, log); // the jars are shared; everything else lives in `home`
  cfg = localKafkaConfig({ home, libsDir: shared.libsDir, port: await freePort(), controllerPort: await freePort() });
});
afterAll(async () => {
  await stopBroker(cfg);
  rmSync(home, { recursive: true, force: true });
});

describe('local Kafka broker', () => {
  it('refuses to start when its port is held by another process, naming the port', async () => {
    const holder: Server = await new Promise((resolve) => {
      const s = createServer().listen(cfg.port, '127.0.0.1', () => resolve(s));
    });
    try {
      await expect(startBroker(cfg, log)).rejects.toThrow(`port ${cfg.port} on 127.0.0.1 is held by another process`);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('recovers from a stale pid file, starts, answers clients, reports its version, and is idempotent', async () => {
    const gone = spawnSync('true').pid; // a pid that has exited
    writeFileSync(cfg.pidFile, String(gone));
    const started = await startBroker(cfg, log);
    expect(logs.join('\n')).toContain(`stale pid file of broker process ${gone}`);
    expect(started).toMatchObject({
      running: true,
      alreadyRunning: false,
      version: pomKafkaVersion(cfg),
      address: `127.0.0.1:${cfg.port}`,
    });

    const admin = new Kafka({ brokers: [started.address], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers.map((b) => b.nodeId)).toEqual([1]);

    const again = await startBroker(cfg, log);
    expect(again).toMatchObject({ alreadyRunning: true, pid: started.pid });
    // Asked for another port while it runs on this one: a clear error, not a wrong address.
    await expect(startBroker({ ...cfg, port: cfg.port + 1 }, log)).rejects.toThrow(
      `already runs on 127.0.0.1:${cfg.port}, not on the asked port ${cfg.port + 1}`,
    );
    expect(existsSync(join(cfg.dataDir, 'meta.properties'))).toBe(true);
  });

  it('stops cleanly and leaves no broker process', async () => {
    const { pid } = brokerStatus(cfg);
    expect(pid).toBeDefined();
    expect(await stopBroker(cfg)).toEqual({ stopped: true, pid });
    // The test process spawned it, so the exited broker is reaped by this process's event loop.
    const gone = async () => {
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid!, 0);
        } catch {
          return true;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    expect(brokerStatus(cfg).running).toBe(false);
    expect(await stopBroker(cfg)).toEqual({ stopped: false });
  });
});
