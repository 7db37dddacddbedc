// The demo world's vocabulary: advertisers and their verticals, audience segments, the
// placements (sites and apps) the load sends traffic from, and geography. Shared by the
// catalog and user generators, the ground truth and (later) the load generator, so that they
// all describe one consistent market.
import type { PolicyFlag } from '@adtrace/schemas';

export interface DemoAdvertiser {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  /** IAB category of everything it advertises. */
  readonly category: string;
  readonly policyFlags: readonly PolicyFlag[];
}

export const DEMO_ADVERTISERS: readonly DemoAdvertiser[] = [
  { id: 'adv-wanderly', name: 'Wanderly Travel', domain: 'wanderly.example', category: 'IAB20', policyFlags: [] },
  { id: 'adv-autoworks', name: 'AutoWorks', domain: 'autoworks.example', category: 'IAB2', policyFlags: [] },
  {
    id: 'adv-northbank',
    name: 'North Bank',
    domain: 'northbank.example',
    category: 'IAB13',
    policyFlags: ['FINANCIAL'],
  },
  { id: 'adv-sprintgear', name: 'Sprint Gear', domain: 'sprintgear.example', category: 'IAB17', policyFlags: [] },
  { id: 'adv-bytestore', name: 'Byte Store', domain: 'bytestore.example', category: 'IAB19', policyFlags: [] },
  { id: 'adv-maison', name: 'Maison Mode', domain: 'maison.example', category: 'IAB18', policyFlags: [] },
  { id: 'adv-freshplate', name: 'Fresh Plate', domain: 'freshplate.example', category: 'IAB8', policyFlags: [] },
  {
    id: 'adv-hopsmith',
    name: 'Hopsmith Brewery',
    domain: 'hopsmith.example',
    category: 'IAB8-5',
    policyFlags: ['ALCOHOL'],
  },
  {
    id: 'adv-luckyspin',
    name: 'Lucky Spin',
    domain: 'luckyspin.example',
    category: 'IAB9-7',
    policyFlags: ['GAMBLING'],
  },
  { id: 'adv-vitalis', name: 'Vitalis Health', domain: 'vitalis.example', category: 'IAB7', policyFlags: ['HEALTH'] },
  { id: 'adv-homecraft', name: 'HomeCraft', domain: 'homecraft.example', category: 'IAB10', policyFlags: [] },
  { id: 'adv-streamly', name: 'Streamly', domain: 'streamly.example', category: 'IAB1', policyFlags: [] },
  {
    id: 'adv-civic',
    name: 'Civic Voice',
    domain: 'civicvoice.example',
    category: 'IAB11-4',
    policyFlags: ['POLITICAL'],
  },
  { id: 'adv-petpals', name: 'PetPals', domain: 'petpals.example', category: 'IAB16', policyFlags: [] },
  { id: 'adv-learnhub', name: 'LearnHub', domain: 'learnhub.example', category: 'IAB5', policyFlags: [] },
];

/** Interests users have: IAB tier-1 categories and a few sub-categories. */
export const DEMO_INTERESTS: readonly string[] = [
  'IAB1',
  'IAB2',
  'IAB3',
  'IAB5',
  'IAB6',
  'IAB7',
  'IAB8',
  'IAB8-5',
  'IAB9',
  'IAB9-7',
  'IAB10',
  'IAB11',
  'IAB12',
  'IAB13',
  'IAB15',
  'IAB16',
  'IAB17',
  'IAB18',
  'IAB19',
  'IAB20',
  'IAB22',
];

/** Behavioural segments and the interests that make a user likely to be in them. */
export const DEMO_SEGMENTS: Readonly<Record<string, readonly string[]>> = {
  'seg-high-intent-travel': ['IAB20'],
  'seg-auto-intenders': ['IAB2'],
  'seg-sports-fans': ['IAB17'],
  'seg-tech-early-adopters': ['IAB19'],
  'seg-fashion-shoppers': ['IAB18', 'IAB22'],
  'seg-foodies': ['IAB8', 'IAB8-5'],
  'seg-investors': ['IAB13', 'IAB3'],
  'seg-home-improvers': ['IAB10'],
  'seg-parents': ['IAB6', 'IAB5'],
  'seg-gamers': ['IAB9', 'IAB9-7'],
  'seg-pet-owners': ['IAB16'],
  'seg-wellness': ['IAB7'],
  'seg-news-junkies': ['IAB12', 'IAB11'],
  'seg-binge-watchers': ['IAB1'],
};

export interface DemoPlacement {
  readonly platform: 'site' | 'app';
  /** Site domain or app bundle. */
  readonly placement: string;
  readonly cat: readonly string[];
  /** OpenRTB device types this placement's traffic comes from, with weights. */
  readonly devices: readonly (readonly [deviceType: number, weight: number])[];
}

const WEB = [
  [2, 4],
  [4, 5],
  [5, 1],
] as const;
const MOBILE = [
  [4, 7],
  [5, 3],
] as const;

export const DEMO_PLACEMENTS: readonly DemoPlacement[] = [
  { platform: 'site', placement: 'news.example.com', cat: ['IAB12'], devices: WEB },
  { platform: 'site', placement: 'sportsdaily.example', cat: ['IAB17'], devices: WEB },
  { platform: 'site', placement: 'gadgetreview.example', cat: ['IAB19'], devices: WEB },
  { platform: 'site', placement: 'travelguide.example', cat: ['IAB20'], devices: WEB },
  { platform: 'site', placement: 'recipes.example', cat: ['IAB8'], devices: WEB },
  { platform: 'site', placement: 'carreviews.example', cat: ['IAB2'], devices: WEB },
  { platform: 'site', placement: 'moneywise.example', cat: ['IAB13'], devices: WEB },
  { platform: 'site', placement: 'stylemag.example', cat: ['IAB18'], devices: WEB },
  { platform: 'site', placement: 'homeideas.example', cat: ['IAB10'], devices: WEB },
  { platform: 'site', placement: 'petworld.example', cat: ['IAB16'], devices: WEB },
  { platform: 'site', placement: 'wellbeing.example', cat: ['IAB7'], devices: WEB },
  { platform: 'site', placement: 'moviebuzz.example', cat: ['IAB1'], devices: WEB },
  { platform: 'app', placement: 'com.example.puzzles', cat: ['IAB9'], devices: MOBILE },
  { platform: 'app', placement: 'com.example.newsreader', cat: ['IAB12'], devices: MOBILE },
  { platform: 'app', placement: 'com.example.fittrack', cat: ['IAB7'], devices: MOBILE },
  { platform: 'app', placement: 'com.example.scores', cat: ['IAB17'], devices: MOBILE },
  { platform: 'app', placement: 'com.example.weather', cat: ['IAB15'], devices: MOBILE },
  { platform: 'app', placement: 'com.example.shopping', cat: ['IAB22'], devices: MOBILE },
  { platform: 'app', placement: 'tv.example.streaming', cat: ['IAB1'], devices: [[3, 1]] },
];

/** Countries (ISO alpha-3, as OpenRTB sends them) with ISO-3166-2 regions and traffic weights. */
export const DEMO_GEOS: readonly { country: string; regions: readonly string[]; weight: number }[] = [
  { country: 'USA', regions: ['CA', 'NY', 'TX', 'FL', 'WA', 'IL'], weight: 45 },
  { country: 'GBR', regions: ['GB-LND', 'GB-MAN', 'GB-EDH'], weight: 15 },
  { country: 'DEU', regions: ['DE-BE', 'DE-BY', 'DE-HH'], weight: 12 },
  { country: 'FRA', regions: ['FR-IDF', 'FR-ARA'], weight: 10 },
  { country: 'CAN', regions: ['CA-ON', 'CA-QC', 'CA-BC'], weight: 10 },
  { country: 'ESP', regions: ['ES-MD', 'ES-CT'], weight: 8 },
];

/** Operating systems by OpenRTB device type. */
export const DEMO_OS_BY_DEVICE: Readonly<Record<number, readonly string[]>> = {
  2: ['Windows', 'macOS', 'Linux'],
  3: ['tvOS', 'Android TV', 'Roku OS'],
  4: ['iOS', 'Android'],
  5: ['iOS', 'Android'],
};

/** Banner sizes the demo serves (IAB standard units) and the share of creatives in each. */
export const DEMO_BANNER_SIZES: readonly (readonly [w: number, h: number, weight: number])[] = [
  [300, 250, 5],
  [320, 50, 3],
  [728, 90, 2],
  [300, 600, 1],
  [160, 600, 1],
];

/** Weighted choice. */
export function weighted<T>(random: () => number, items: readonly T[], weightOf: (t: T) => number): T {
  const total = items.reduce((s, t) => s + weightOf(t), 0);
  let r = random() * total;
  for (const t of items) {
    r -= weightOf(t);
    if (r < 0) return t;
  }
  return items[items.length - 1]!;
}
