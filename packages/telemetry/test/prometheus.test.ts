import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports.ts';

const preload = join(import.meta.dirname, '../src/preload.ts');
const child = join(import.meta.dirname, 'fixtures/metrics-child.ts');

describe('the preload serves metrics for Prometheus', () => {
  let proc: ChildProcess | undefined;
  afterAll(() => {
    proc?.kill('SIGKILL');
  });

  it('exposes the seed metrics, the dropped-span count and runtime gauges on ADTRACE_METRICS_PORT', async () => {
    const port = await freePort();
    proc = spawn(process.execPath, ['--import', preload, child], {
      env: {
        ...process.env,
        ADTRACE_METRICS_PORT: String(port),
        OTEL_SERVICE_NAME: 'metrics-test',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await Promise.race([
      once(proc.stdout!, 'data'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('child did not start in 20 s')), 20_000)),
    ])) as [Buffer];
    expect(line.toString()).toContain('ready');
    // The exporter's HTTP server starts asynchronously: try for up to 10 s.
    let text = '';
    for (const deadline = Date.now() + 10_000; !text; ) {
      try {
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    for (const name of [
      'ads_served_total',
      'ads_no_fill_total',
      'ads_auction_latency_ms',
      'ads_serving_latency_ms',
      'ads_segment_build_duration_seconds',
      'adtrace_telemetry_spans_dropped',
      'adtrace_runtime_event_loop_delay_p99_ms',
    ]) {
      expect(text, name).toContain(name);
    }
    expect(text).toMatch(/ads_served_total\{[^}]*campaign_id="cmp-1"[^}]*\} 3/);
    proc.kill('SIGTERM');
    const [code] = (await Promise.race([
      once(proc, 'exit'),
      new Promise((r) => setTimeout(() => r([-1]), 20_000)),
    ])) as [number];
    expect(code).toBe(0);
  });
});
