import { readFileSync } from 'node:fs';
import { type Campaign, createCodec, RecordNames, type UserSegments } from '@adtrace/schemas';
import { exampleBidRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from '../ad-index.ts';
import { decideRequest } from '../decide.ts';
import { dot, EMBEDDING_DIM } from '../embedding.ts';
import { loadPctrModel } from '../pctr/model.ts';
import { buildUserProfile } from '../profile.ts';
import { bannerImp, NOW, request } from '../test-fixtures.ts';
import { generateDemoCatalog } from './catalog.ts';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, parseNdjson, SHIPPED_PCTR_MODEL_URL, toNdjson } from './files.ts';
import { DEMO_PLACEMENTS } from './taxonomy.ts';
import { type DemoUser, generateDemoUsers } from './users.ts';

const committedCatalog = readFileSync(DEMO_CATALOG_URL, 'utf8');
const committedUsers = readFileSync(DEMO_USERS_URL, 'utf8');
const catalog = parseNdjson<Campaign>(committedCatalog);
const ads = catalog.flatMap((c) => c.ads);

describe('demo catalog', () => {
  it('the committed files are the generators’ output (regenerate: pnpm --filter @adtrace/ads demo-data)', () => {
    expect(committedCatalog === toNdjson(generateDemoCatalog())).toBe(true);
    expect(committedUsers === toNdjson(generateDemoUsers())).toBe(true);
  });

  it('hundreds of campaigns, thousands of ads, several advertisers, unique ids', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(200);
    expect(ads.length).toBeGreaterThanOrEqual(2_000);
    expect(new Set(catalog.map((c) => c.advertiserId)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(ads.map((a) => a.id)).size).toBe(ads.length);
    expect(new Set(catalog.map((c) => c.id)).size).toBe(catalog.length);
  });

  it('a realistic mix: targeting, caps, budgets, both formats and bid types, policy flags', () => {
    const share = (n: number, of: number) => n / of;
    expect(share(catalog.filter((c) => c.targeting.countries.length > 0).length, catalog.length)).toBeGreaterThan(0.2);
    expect(share(catalog.filter((c) => c.targeting.segments.length > 0).length, catalog.length)).toBeGreaterThan(0.15);
    expect(share(catalog.filter((c) => c.frequencyCaps.length > 0).length, catalog.length)).toBeGreaterThan(0.5);
    expect(catalog.some((c) => c.budget.dailyMicros !== null)).toBe(true);
    expect(share(ads.filter((a) => a.creative.format === 'VIDEO').length, ads.length)).toBeGreaterThan(0.1);
    expect(share(ads.filter((a) => a.bidType === 'CPC').length, ads.length)).toBeGreaterThan(0.2);
    expect(ads.some((a) => a.policyFlags.includes('ALCOHOL'))).toBe(true);
    for (const a of ads) {
      expect(a.embedding).toHaveLength(EMBEDDING_DIM);
      expect(Math.abs(dot(a.embedding, a.embedding) - 1)).toBeLessThan(0.02);
      expect(a.creative.markup).toContain('{IMP_URL}');
      expect(a.creative.markup).toContain('{CLICK_URL}');
    }
  });

  it('every campaign is a valid Avro Campaign record and round-trips exactly', () => {
    const codec = createCodec(RecordNames.Campaign);
    for (const c of catalog) expect(codec.decode(codec.encode(c))).toEqual(c);
  });

  it('demo users make valid UserSegments records once a user key is added', () => {
    const users = parseNdjson<DemoUser>(committedUsers);
    expect(users.length).toBeGreaterThanOrEqual(500);
    const codec = createCodec(RecordNames.UserSegments);
    for (const u of users.slice(0, 200)) {
      const record: UserSegments = { ...u.segments, userKey: `uk_${u.userId}` };
      expect(codec.decode(codec.encode(record))).toEqual(record);
    }
    expect(users.filter((u) => u.segments.segments.length > 0).length).toBeGreaterThan(users.length / 2);
  });
});

describe('the demo market', () => {
  // Every demo user on a demo site, one 300x250 banner at a 0.50 USD floor, personalized, decided
  // by the shipped model against the demo catalog: which bid types win. A catalog whose CPC bids
  // are worth far more than its CPM bids (it had CPC 0.20–2.50 USD, CPM 4–150 at the winners'
  // pCTR) serves CPC ads only, and no campaign spends until a click: ROAS stays empty. That catalog
  // won 1,000 CPC and 0 CPM here; today's 758 and 242 (personalized users favour the targeted CPC
  // ads; a 300-request `adtrace demo` served 55 % CPC, 45 % CPM).
  it('CPC and CPM ads both win a fair share of the impressions', () => {
    const users = parseNdjson<DemoUser>(committedUsers);
    const index = buildAdIndex(catalog);
    const model = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
    const sites = DEMO_PLACEMENTS.filter((p) => p.platform === 'site');
    const wins = { CPC: 0, CPM: 0 };
    users.forEach((user, i) => {
      const site = sites[i % sites.length]!;
      const userKey = `uk_${user.userId}`;
      const bidRequest = request({
        id: `req-${i}`,
        eventId: `ev-${i}`,
        userKey,
        site: { ...exampleBidRequest.site!, domain: site.placement, cat: [...site.cat] },
        imp: [{ ...bannerImp, bidfloorMicros: 500_000 }],
      });
      const { profile } = buildUserProfile(bidRequest, () => ({ ...user.segments, userKey }));
      const [decision] = decideRequest(index, model, bidRequest, profile, { nowMs: NOW });
      const winner = decision?.auction?.winner;
      if (winner) wins[winner.candidate.entry.ad.bidType]++;
    });
    const total = wins.CPC + wins.CPM;
    expect(total).toBeGreaterThan(users.length / 2);
    expect(wins.CPM / total, JSON.stringify(wins)).toBeGreaterThan(0.15);
    expect(wins.CPC / total, JSON.stringify(wins)).toBeGreaterThan(0.15);
  });
});
