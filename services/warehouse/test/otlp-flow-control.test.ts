import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv, toConfig, type WarehouseService } from '../src/index.ts';
import { duckdbBackend, startTestService } from './support.ts';

// What an exporter's HTTP/2 connection to the receiver is allowed to send before it must wait
// for a WINDOW_UPDATE. At Node's default (64 KiB) a 1 MB export waited on ~16 of them, each
// needing the busy exporter's event loop (otlp/flow-control.ts; bench/README.md).
async function windowsSeenByAClient(port: number): Promise<{ stream: number; connection: number }> {
  const session = connect(`http://127.0.0.1:${port}`);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => resolve());
      session.once('error', reject);
    });
    // The receiver raises both as the session opens: a second SETTINGS frame, a WINDOW_UPDATE.
    const window = () => ({
      stream: session.remoteSettings.initialWindowSize ?? 65_535,
      connection: session.state.remoteWindowSize ?? 0,
    });
    const deadline = Date.now() + 5_000;
    while ((window().stream <= 65_535 || window().connection <= 65_535) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return window();
  } finally {
    session.close();
  }
}

describe('the OTLP receiver’s HTTP/2 windows', () => {
  const backends = [duckdbBackend(), duckdbBackend()] as const;
  let byDefault: WarehouseService;
  let configured: WarehouseService;

  beforeAll(async () => {
    byDefault = await startTestService(backends[0]);
    const { flowControlWindowBytes } = toConfig(readEnv({ WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES: String(3 << 20) }));
    configured = await startTestService(backends[1], { flowControlWindowBytes });
  });
  afterAll(async () => {
    await byDefault?.stop();
    await configured?.stop();
    for (const backend of backends) await backend.cleanup();
  });

  it('lets an exporter send a whole export (8 MiB by default) without waiting for the receiver', async () => {
    expect(await windowsSeenByAClient(byDefault.otlpPort)).toEqual({ stream: 8 << 20, connection: 8 << 20 });
  });

  it('takes its size from WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES', async () => {
    expect(await windowsSeenByAClient(configured.otlpPort)).toEqual({ stream: 3 << 20, connection: 3 << 20 });
  });
});
