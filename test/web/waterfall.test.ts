// The web view in headless Chromium, over real spans: the warehouse service (its own process,
// real DuckDB), an upstream producer and one stream-runtime hop (each a process with the telemetry
// preloaded, exporting OTLP to the warehouse) carry an event through Kafka; a flush span links to
// it from its own trace. The page must draw every span of the event's waterfall, follow the
// flush's link back to the event, and ask nothing of any host but the warehouse service.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  artifactPath,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  recordErrors,
  recordRequests,
} from '../support/browser.ts';
import { type TestTopics, testBrokers, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { freePort } from '../support/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const preload = join(root, 'packages/telemetry/src/preload.ts');
const chromium = chromiumPath();

interface SpanJson {
  spanId: string;
  service: string;
  name: string;
  kind: string;
}

const children: ChildProcess[] = [];
function startNode(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', preload, script, ...args], {
    cwd: root,
    env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), OTEL_BSP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code) console.error(`${script} exited ${code}:\n${output}`);
  });
  children.push(child);
  return { child, output: () => output };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe.skipIf(!chromium)(`the web view in headless Chromium${chromium ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-web-'));
  const eventId = `evt-web-${randomUUID().slice(0, 8)}`;
  let topics: TestTopics<'raw' | 'out' | 'dlq'>;
  let base: string;
  let eventSpans: SpanJson[];
  let eventTraceId: string;
  let flushTraceId: string;
  let browser: Browser;
  let page: Page;
  let requested: string[];
  let errors: string[];

  beforeAll(async () => {
    topics = await testTopics(['raw', 'out', 'dlq']);
    const [otlpPort, apiPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${apiPort}`;
    const otlp = `http://127.0.0.1:${otlpPort}`;
    startNode(join(root, 'services/warehouse/src/main.ts'), [], {
      OTEL_SERVICE_NAME: 'warehouse',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      WAREHOUSE_PATH: join(dir, 'warehouse.duckdb'),
      WAREHOUSE_OTLP_PORT: String(otlpPort),
      WAREHOUSE_API_PORT: String(apiPort),
      WAREHOUSE_LOADER: 'off',
      ADTRACE_METRICS_PORT: '',
    });
    await eventually('the warehouse service', async () => ((await fetch(`${base}/api/health`)).ok ? true : undefined));
    startNode(join(root, 'test/e2e/fixtures/relay.ts'), [], {
      OTEL_SERVICE_NAME: 'relay',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      RELAY_GROUP: uniqueGroupId('web-relay'),
      RELAY_IN: topics.names.raw,
      RELAY_OUT: topics.names.out,
      RELAY_DEAD_LETTER_TOPIC: topics.names.dlq,
      ADTRACE_METRICS_PORT: '',
    });
    const upstream = startNode(join(root, 'test/e2e/fixtures/upstream.ts'), [topics.names.raw, eventId], {
      OTEL_SERVICE_NAME: 'upstream',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    });
    expect(await exited(upstream.child)).toBe(0);
    // The whole hop: upstream's send, the relay's process and ads.relay spans (the relay's
    // output has no span of its own: one span per message per hop).
    const trace = await eventually(`the trace of ${eventId}`, async () => {
      const res = await fetch(`${base}/api/traces/${eventId}`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as { traceId: string; spans: SpanJson[] };
      const has = (name: string) => body.spans.some((s) => s.name === name);
      return has(`send ${topics.names.raw}`) && has(`process ${topics.names.raw}`) && has('ads.relay')
        ? body
        : undefined;
    });
    eventSpans = trace.spans;
    eventTraceId = trace.traceId;
    const relaySpan = eventSpans.find((s) => s.name === 'ads.relay')!;
    const flush = startNode(join(import.meta.dirname, 'fixtures/flush.ts'), [`${eventTraceId}:${relaySpan.spanId}`], {
      OTEL_SERVICE_NAME: 'aggregation',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    });
    expect(await exited(flush.child)).toBe(0);
    flushTraceId = flush.output().trim().split('\n')[0]!;
    await eventually('the flush trace', async () =>
      (await fetch(`${base}/api/traces/${flushTraceId}`)).ok ? true : undefined,
    );

    browser = await launchChromium(chromium!);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    requested = recordRequests(page);
    errors = recordErrors(page);
  }, 300_000); // four processes start and a consumer group forms: slow on a loaded 2-core machine

  afterAll(async () => {
    await browser?.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    await topics?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("draws every span of a real event's waterfall, and keeps a screenshot", async () => {
    await page.goto(`${base}/ui/#trace/${eventId}`);
    await page.waitForSelector('body[data-trace="shown"]', { timeout: 30_000 });
    const rows = page.locator('#waterfall .span');
    expect(await rows.count()).toBe(eventSpans.length);
    const chart = (await page.locator('#waterfall svg').boundingBox())!;
    for (const span of eventSpans) {
      const row = page.locator(`#waterfall .span[data-span-id="${span.spanId}"]`);
      expect(await row.getAttribute('data-service'), span.name).toBe(span.service);
      expect(await row.locator('text.name').textContent()).toContain(span.name);
      // Its bar is drawn: a visible box of some width inside the chart.
      const bar = (await row.locator('rect.bar').boundingBox())!;
      expect(bar.width, span.name).toBeGreaterThan(0);
      expect(bar.x).toBeGreaterThanOrEqual(chart.x);
      expect(bar.x + bar.width).toBeLessThanOrEqual(chart.x + chart.width + 1);
    }
    expect(await page.locator('.ids').first().textContent()).toContain(`event ${eventId}`);
    // A click shows the span's attributes.
    await page.locator(`#waterfall .span[data-span-id="${eventSpans[0]!.spanId}"]`).click();
    expect(await page.locator('#span-details').textContent()).toContain(eventSpans[0]!.spanId);

    const file = artifactPath('waterfall.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it("a flush span's links lead to the events it serves", async () => {
    await page.goto(`${base}/ui/#trace/${flushTraceId}`);
    await page.waitForSelector(`body[data-trace="shown"] .links a[href="#trace/${eventTraceId}"]`, {
      timeout: 30_000,
    });
    expect(await page.locator('#waterfall .span').count()).toBe(2); // the flush and its send
    await page.locator(`.links a[href="#trace/${eventTraceId}"]`).click();
    await page.waitForSelector(`#waterfall .span[data-span-id="${eventSpans[0]!.spanId}"]`, { timeout: 30_000 });
    expect(await page.locator('#waterfall .span').count()).toBe(eventSpans.length);
  });

  it('draws the share of latency and cost per stage, and asked for nothing beyond the warehouse service', async () => {
    await page.goto(`${base}/ui/`);
    await page.waitForSelector('body[data-summaries="shown"]', { timeout: 30_000 });
    for (const stage of new Set(eventSpans.map((s) => s.service)))
      expect(await page.locator(`#stages-body .bar-row[data-label="${stage}"] rect.bar`).count(), stage).toBe(2);
    expect(await page.locator('#no-fills-body').textContent()).toContain('No auctions yet');
    expect(requested.length).toBeGreaterThan(5);
    const elsewhere = requested.filter((url) => !url.startsWith(`${base}/`));
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
  });
});
