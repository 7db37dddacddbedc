import { readFileSync } from 'node:fs';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import { type Campaign, parseOpenRtbBidRequest } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { generateLoad, LOAD_MIX } from './openrtb-load.ts';

const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const catalog = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const events = [...generateLoad(users, 7, 5000)];
const share = (pred: (e: (typeof events)[number]) => boolean) => events.filter(pred).length / events.length;

describe('generateLoad', () => {
  it('yields only requests that pass ingest’s OpenRTB rules, with unique request ids', () => {
    for (const e of events) expect(parseOpenRtbBidRequest(JSON.stringify(e.request)).id).toBe(e.request.id);
    expect(new Set(events.map((e) => e.request.id)).size).toBe(events.length);
  });

  // A video floor was three banner floors in binary floating point: "bidfloor":0.9299999999999999.
  it('prices floors in whole cents, as an exchange writes them', () => {
    for (const e of events) {
      for (const imp of e.request.imp) expect(Number((imp.bidfloor as number).toFixed(2))).toBe(imp.bidfloor);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect([...generateLoad(users, 7, 50)].map((e) => e.request)).toEqual(events.slice(0, 50).map((e) => e.request));
    expect([...generateLoad(users, 8, 50)][0]!.request).not.toEqual(events[0]!.request);
  });

  it('mixes sites and apps, banner, video and native, several imps per request', () => {
    expect(share((e) => 'site' in e.request)).toBeGreaterThan(0.3);
    expect(share((e) => 'app' in e.request)).toBeGreaterThan(0.2);
    const formats = events.flatMap((e) => e.truth.imps.flatMap((i) => i.formats));
    for (const f of ['video', 'native', 'b300x250', 'b320x50']) expect(formats).toContain(f);
    expect(share((e) => e.request.imp.length > 1)).toBeGreaterThan(0.4);
  });

  it('repeats users: a small head of demo users makes a large share of requests', () => {
    const counts = new Map<string, number>();
    for (const e of events) if (e.truth.userId) counts.set(e.truth.userId, (counts.get(e.truth.userId) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a);
    const named = top.reduce((a, b) => a + b, 0);
    expect(top.slice(0, 100).reduce((a, b) => a + b, 0) / named).toBeGreaterThan(0.4);
    expect(top[0]).toBeGreaterThan(20);
    for (const id of counts.keys()) expect(users.some((u) => u.userId === id)).toBe(true);
  });

  it('carries test requests and GDPR without consent at their shares', () => {
    expect(share((e) => e.request.test === 1)).toBeCloseTo(LOAD_MIX.test, 1);
    expect(events.every((e) => (e.request.test === 1) === e.truth.test)).toBe(true);
    const gdpr = events.filter((e) => e.truth.gdpr);
    expect(gdpr.length).toBeGreaterThan(500);
    const noConsent = gdpr.filter((e) => !(e.request.user as { consent?: string } | undefined)?.consent);
    expect(noConsent.length / gdpr.length).toBeGreaterThan(LOAD_MIX.gdprWithoutConsent);
    for (const e of gdpr) expect((e.request.regs as { gdpr?: number }).gdpr).toBe(1);
  });

  it('makes the unfillable share out of imps no demo ad can take', () => {
    const sold = new Set(
      catalog.flatMap((c) =>
        c.ads.map((a) => (a.creative.format === 'VIDEO' ? 'video' : `b${a.creative.w}x${a.creative.h}`)),
      ),
    );
    const maxBidCpm = Math.max(...catalog.flatMap((c) => c.ads.map((a) => a.bidMicros))) / 1e6;
    const unfillable = events.filter((e) => e.truth.unfillable);
    expect(unfillable.length / events.length).toBeCloseTo(LOAD_MIX.unfillable, 1);
    for (const e of unfillable) {
      e.request.imp.forEach((imp, n) => {
        const formats = e.truth.imps[n]!.formats;
        const canServe = formats.some((f) => sold.has(f)) && (imp.bidfloor as number) <= maxBidCpm;
        expect(canServe).toBe(false);
      });
    }
    // …while the others offer at least one format the catalog sells.
    const fillable = events.filter((e) => !e.truth.unfillable);
    expect(fillable.every((e) => e.truth.imps.some((i) => i.formats.some((f) => sold.has(f))))).toBe(true);
  });
});
