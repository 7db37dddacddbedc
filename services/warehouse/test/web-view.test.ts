// The web view's summary pictures in headless Chromium, over the service in-process on real
// DuckDB: ROAS windows, dead letters and auction outcomes are loaded as the loader and the receiver
// write them, and each panel must draw them: a line per campaign (the 8 that spent most), a bar
// per no-fill reason and per dead-letter stage and code, and a dead letter's link to its trace.
// The waterfall over a real event's spans is test/web/waterfall.test.ts.
import { randomBytes } from 'node:crypto';
import type { AuctionOutcomeRow, DeadLetterRow, RoasWindowRow } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auctionOutcome } from '../../../packages/warehouse/test/fixtures.ts';
import {
  artifactPath,
  type Browser,
  chromiumPath,
  launchChromium,
  NO_CHROMIUM,
  type Page,
  recordErrors,
  recordRequests,
} from '../../../test/support/browser.ts';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { duckdbBackend, startTestService } from './support.ts';

const chromium = chromiumPath();
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

function window(campaignId: string, hour: number, spendMicros: number, revenueMicros: number): RoasWindowRow {
  return {
    campaignId,
    windowStartMs: T0 + hour * HOUR,
    windowEndMs: T0 + (hour + 1) * HOUR,
    impressions: 100,
    clicks: 3,
    conversions: 1,
    spendMicros,
    revenueMicros,
    roas: revenueMicros / spendMicros,
    observedCtr: 0.03,
    predictedCtr: 0.028,
    revision: 0,
    generation: 0,
    lateDropped: 0,
    clickThroughConversions: 1,
    viewThroughConversions: 0,
    clickThroughRevenueMicros: revenueMicros,
    viewThroughRevenueMicros: 0,
    complete: true,
    completeThroughMs: T0 + (hour + 2) * HOUR,
    emittedAtMs: T0 + (hour + 2) * HOUR,
  };
}

function deadLetter(offset: number, stage: string, code: string, traceId: string | null): DeadLetterRow {
  return {
    dlqPartition: 0,
    dlqOffset: String(offset),
    originalTopic: 'adtrace.bid-requests.raw',
    originalPartition: 1,
    originalOffset: String(100 + offset),
    originalTimestampMs: T0,
    deadLetteredAtMs: T0 + offset * 1000,
    reason: `${code}: imp[0].id is missing (${offset})`,
    code,
    errorClass: 'ValidationError',
    stage,
    eventId: null,
    traceparent: traceId ? `00-${traceId}-${hex(8)}-01` : null,
    key: null,
    value: Buffer.from('{"imp":[{}]}'),
    headersJson: '{}',
  };
}

/** A span of aggregation's, at T0 (the flush a ROAS point leads to is one). */
function spanAt(name: string, attributes: SpanInput['attributes']): SpanInput {
  const start = BigInt(T0) * 1_000_000n;
  return {
    traceId: hex(16),
    spanId: hex(8),
    name,
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1_000_000n,
    attributes,
  };
}

/** One imp's row of auction_outcomes, as the loader writes it from adtrace.auction-outcomes. */
function outcome(n: number, reason: string | null): AuctionOutcomeRow {
  return auctionOutcome({
    eventId: `evt-${n}`,
    userKey: 'uk-1',
    outcome: reason === null ? 'win' : 'no_fill',
    campaignId: reason === null ? 'cmp-0' : null,
    candidates: null,
    noFillReason: reason,
    noFillCode: null,
    decidedAtMs: T0,
    traceId: hex(16),
  });
}

describe.skipIf(!chromium)(
  `the web view's summaries in headless Chromium${chromium ? '' : ` (skipped: ${NO_CHROMIUM})`}`,
  () => {
    const backend = duckdbBackend();
    const campaigns = Array.from({ length: 9 }, (_, i) => `cmp-${i}`); // cmp-8 spends least: not drawn
    const traced = hex(16);
    // The flush of cmp-0's second window, as aggregation writes it: where a click on that point leads.
    const flush = spanAt('ads.aggregate.flush', {
      'campaign.id': 'cmp-0',
      'roas.window.start_ms': T0 + HOUR,
      'roas.window.event': 'closed',
    });
    let service: WarehouseService;
    let browser: Browser;
    let page: Page;
    let requested: string[];
    let errors: string[];
    let base: string;

    beforeAll(async () => {
      service = await startTestService(backend);
      base = `http://127.0.0.1:${service.apiPort}`;
      await service.warehouse.loadRoasWindows(
        campaigns.flatMap((c, i) => [0, 1, 2].map((h) => window(c, h, (10 - i) * 1_000_000, (h + 1) * 2_000_000))),
      );
      await service.warehouse.loadDeadLetters([
        deadLetter(1, 'ingest', 'REQUIRED', traced),
        deadLetter(2, 'ingest', 'REQUIRED', null),
        deadLetter(3, 'warehouse', 'UNDECODABLE', null),
      ]);
      await service.warehouse.loadAuctionOutcomes([
        outcome(1, null),
        outcome(2, 'NO_CANDIDATES'),
        outcome(3, 'NO_CANDIDATES'),
        outcome(4, 'BELOW_FLOOR'),
      ]);
      const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
      // An auction span that says otherwise: the panel counts the exact table, not spans.
      const stray = spanAt('ads.auction', { 'ads.auction.outcome': 'NO_FILL', 'ads.no_fill.reason': 'TIMEOUT' });
      await client.export(
        encodeExportRequest([
          { attributes: { 'service.name': 'auction' }, spans: [stray] },
          { attributes: { 'service.name': 'aggregation' }, spans: [flush] },
        ]),
      );
      client.close();
      browser = await launchChromium(chromium!);
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      requested = recordRequests(page);
      errors = recordErrors(page);
      await page.goto(`${base}/ui/`);
      await page.waitForSelector('body[data-summaries="shown"]', { timeout: 30_000 });
    });

    afterAll(async () => {
      await browser?.close();
      await service?.stop();
      await backend.cleanup();
    });

    it('ROAS: a line with a point per window for each of the 8 campaigns that spent most', async () => {
      for (const c of campaigns.slice(0, 8)) {
        const series = page.locator(`#roas-body .series[data-series="${c}"]`);
        expect(await series.locator('circle').count(), c).toBe(3);
        expect(await series.locator('polyline').count(), c).toBe(1);
      }
      expect(await page.locator('#roas-body .series[data-series="cmp-8"]').count()).toBe(0);
      // ROAS rises over the hours: each later point is drawn higher (smaller y).
      const ys = await page
        .locator('#roas-body .series[data-series="cmp-0"] circle')
        .evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cy'))));
      expect(ys[0]).toBeGreaterThan(ys[1]!);
      expect(ys[1]).toBeGreaterThan(ys[2]!);
      // A point leads to its window's flush trace; one without a flush span says so. (The click is
      // dispatched on the circle itself: the 8 lines' points overlap, so a mouse click at its
      // centre may land on a neighbour's.)
      await page.locator('#roas-body .series[data-series="cmp-0"] circle').nth(0).dispatchEvent('click');
      await page.locator('#roas-flush', { hasText: 'No flush span for cmp-0' }).waitFor({ timeout: 30_000 });
      await page.locator('#roas-body .series[data-series="cmp-0"] circle').nth(1).dispatchEvent('click');
      await page.waitForSelector(`#waterfall .span[data-span-id="${flush.spanId}"]`, { timeout: 30_000 });
      expect(page.url()).toContain(`#trace/${flush.traceId}`);
    });

    it('no-fill reasons: the rate, and a bar per reason as long as its count', async () => {
      const text = await page.locator('#no-fills-body').textContent();
      expect(text).toContain('75% of 4 imps not filled (1 won)');
      expect(await page.locator('#no-fills-body .bar-row[data-label="TIMEOUT"]').count()).toBe(0);
      const width = async (reason: string) =>
        (await page.locator(`#no-fills-body .bar-row[data-label="${reason}"] rect.bar`).boundingBox())!.width;
      expect(await width('NO_CANDIDATES')).toBeCloseTo(2 * (await width('BELOW_FLOOR')), 0);
    });

    it('dead letters: a bar per stage and code, each with its reason, and a link to its trace', async () => {
      expect(await page.locator('#dead-letters-body .bar-row[data-label="ingest · REQUIRED"] rect.bar').count()).toBe(
        1,
      );
      expect(await page.locator('#dead-letters-body .bar-row[data-label="warehouse · UNDECODABLE"]').count()).toBe(1);
      const rows = page.locator('#dead-letters-body table tr');
      expect(await rows.count()).toBe(4); // a header and three dead letters, newest first
      expect(await rows.nth(1).textContent()).toContain('UNDECODABLE: imp[0].id is missing (3)');
      expect(await page.locator(`#dead-letters-body a[href="#trace/${traced}"]`).count()).toBe(1);
      await page.screenshot({ path: artifactPath('web-view.png'), fullPage: true });
      expect(requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);
