// The demo catalog: a deterministic market of campaigns and ads. Same seed, same catalog, on
// any machine; data/demo-catalog.ndjson is its committed output (a test keeps them equal).
import type { Ad, AgeBracket, Campaign, FrequencyCap, Targeting } from '@adtrace/schemas';
import { interestVector, normalize, quantizeEmbedding } from '../embedding.ts';
import { gaussian, pick, seededRandom, subSeed } from '../random.ts';
import {
  DEMO_ADVERTISERS,
  DEMO_BANNER_SIZES,
  DEMO_GEOS,
  DEMO_PLACEMENTS,
  DEMO_SEGMENTS,
  type DemoAdvertiser,
  weighted,
} from './taxonomy.ts';

export const DEMO_SEED = 20261126;
/** When the demo catalog was published (fixed, so the output is reproducible). */
export const DEMO_PUBLISHED_MS = Date.UTC(2026, 10, 1);

export interface CatalogOptions {
  readonly seed?: number;
  readonly campaigns?: number;
  /** Ads per campaign are drawn uniformly from [min, max]. */
  readonly adsPerCampaign?: readonly [min: number, max: number];
}

/** The committed demo catalog's shape: 240 campaigns, about 2,900 ads. */
export const DEMO_CATALOG_OPTIONS = { seed: DEMO_SEED, campaigns: 240, adsPerCampaign: [6, 18] } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CAP_PLANS: readonly (readonly FrequencyCap[])[] = [
  [],
  [{ maxImpressions: 3, windowMs: HOUR }],
  [
    { maxImpressions: 2, windowMs: HOUR },
    { maxImpressions: 6, windowMs: DAY },
  ],
  [{ maxImpressions: 10, windowMs: DAY }],
  [
    { maxImpressions: 1, windowMs: 10 * 60_000 },
    { maxImpressions: 5, windowMs: DAY },
  ],
];

export function generateDemoCatalog(options: CatalogOptions = {}): Campaign[] {
  const seed = options.seed ?? DEMO_SEED;
  const count = options.campaigns ?? DEMO_CATALOG_OPTIONS.campaigns;
  const [minAds, maxAds] = options.adsPerCampaign ?? DEMO_CATALOG_OPTIONS.adsPerCampaign;
  return Array.from({ length: count }, (_, i) => {
    const random = seededRandom(subSeed(seed, `campaign-${i}`));
    const advertiser = DEMO_ADVERTISERS[i % DEMO_ADVERTISERS.length]!;
    const id = `cmp-${String(i + 1).padStart(4, '0')}`;
    const adCount = minAds + Math.floor(random() * (maxAds - minAds + 1));
    const totalUsd = Math.round(1_000 + random() * 49_000);
    return {
      id,
      name: `${advertiser.name} #${Math.floor(i / DEMO_ADVERTISERS.length) + 1}`,
      advertiserId: advertiser.id,
      active: random() > 0.03,
      startMs: null,
      endMs: null,
      targeting: targeting(random, advertiser),
      frequencyCaps: weighted(random, CAP_PLANS, (p) => (p.length === 0 ? 3 : 2)),
      budget: {
        totalMicros: totalUsd * 1_000_000,
        dailyMicros: random() < 0.5 ? Math.round(totalUsd / (10 + random() * 20)) * 1_000_000 : null,
        currency: 'USD',
      },
      ads: Array.from({ length: adCount }, (_, j) => ad(random, advertiser, `${id}-${j + 1}`.replace('cmp-', 'ad-'))),
      updatedAtMs: DEMO_PUBLISHED_MS,
    } satisfies Campaign;
  });
}

function targeting(random: () => number, advertiser: DemoAdvertiser): Targeting {
  const geo = random() < 0.4 ? pickSome(random, DEMO_GEOS, 1, 3) : [];
  const relatedSegments = Object.entries(DEMO_SEGMENTS)
    .filter(([, interests]) => interests.some((i) => sameTop(i, advertiser.category)))
    .map(([segment]) => segment);
  const segments = random() < 0.3 && relatedSegments.length > 0 ? relatedSegments : [];
  const ageBrackets: AgeBracket[] =
    random() < 0.2 ? pickSome(random, ['AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54'] as const, 1, 3) : [];
  return {
    countries: geo.map((g) => g.country),
    geoRegions: random() < 0.05 ? ['USA-CA', 'USA-NY'] : [],
    deviceTypes: random() < 0.25 ? pick(random, [[2], [4, 5], [1, 4, 5], [3]]) : [],
    os: random() < 0.1 ? [pick(random, ['iOS', 'Android'])] : [],
    segments,
    excludedSegments: random() < 0.05 ? ['seg-parents'] : [],
    ageBrackets,
    domains: random() < 0.05 ? pickSome(random, DEMO_PLACEMENTS, 2, 4).map((p) => p.placement) : [],
  };
}

function ad(random: () => number, advertiser: DemoAdvertiser, id: string): Ad {
  const video = random() < 0.2;
  const [w, h] = video ? [640, 360] : weighted(random, DEMO_BANNER_SIZES, (s) => s[2]);
  const cpc = random() < 0.3;
  const direction = interestVector(advertiser.category);
  // Ads of one vertical sit around its direction (cosine ≈ 0.8 to it), each a little apart.
  const embedding = normalize(direction.map((x) => x + 0.13 * gaussian(random)));
  const creativeId = `cr-${id.slice(3)}-${video ? 'video' : `${w}x${h}`}`;
  const asset = `https://cdn.adtrace.example/${creativeId}`;
  return {
    id,
    active: random() > 0.02,
    bidType: cpc ? 'CPC' : 'CPM',
    // CPM 0.50–8.00 USD; CPC 0.03–0.30 USD per click: at the 2–6 % pCTR of the candidates that
    // win, an eCPM of 0.60–18, so CPC and CPM ads compete (a 300-request demo: 45 % of impressions
    // CPM). At 0.20–2.50 USD a CPC ad was worth CPM 4–150 and no CPM ad ever won: every impression
    // was CPC, and a campaign spent nothing until a click.
    bidMicros: Math.round((cpc ? 0.03 + random() * 0.27 : 0.5 + random() * 7.5) * 100) * 10_000,
    embedding: quantizeEmbedding(embedding),
    creative: {
      id: creativeId,
      format: video ? 'VIDEO' : 'BANNER',
      w,
      h,
      markup: video ? vastMarkup(creativeId, asset) : bannerMarkup(asset, w, h),
      clickUrl: `https://www.${advertiser.domain}/?utm_source=adtrace&utm_content=${creativeId}`,
      adomain: [advertiser.domain],
      cat: [advertiser.category],
    },
    policyFlags: advertiser.policyFlags,
  };
}

function bannerMarkup(asset: string, w: number, h: number): string {
  return (
    `<a href="{CLICK_URL}" target="_blank" rel="noopener"><img src="${asset}.png" width="${w}" height="${h}" alt=""></a>` +
    '<img src="{IMP_URL}" width="1" height="1" alt="" style="display:none">'
  );
}

function vastMarkup(creativeId: string, asset: string): string {
  return (
    `<VAST version="4.2"><Ad id="${creativeId}"><InLine><AdSystem>adtrace</AdSystem><AdTitle>${creativeId}</AdTitle>` +
    '<Impression><![CDATA[{IMP_URL}]]></Impression><Creatives><Creative><Linear><Duration>00:00:15</Duration>' +
    `<MediaFiles><MediaFile delivery="progressive" type="video/mp4" width="640" height="360"><![CDATA[${asset}.mp4]]></MediaFile></MediaFiles>` +
    '<VideoClicks><ClickThrough><![CDATA[{CLICK_URL}]]></ClickThrough></VideoClicks></Linear></Creative></Creatives>' +
    '</InLine></Ad></VAST>'
  );
}

function pickSome<T>(random: () => number, items: readonly T[], min: number, max: number): T[] {
  const n = Math.min(items.length, min + Math.floor(random() * (max - min + 1)));
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

function sameTop(a: string, b: string): boolean {
  return a.split('-')[0] === b.split('-')[0];
}
