// The demo load: OpenRTB 2.6 bid requests as an exchange would send them for the demo market —
// the demo users (repeat visitors, so frequency caps bite), the demo placements (sites and
// apps), banner, video and native imps, several per request — with the cases the pipeline must
// handle mixed in at known shares: test requests, GDPR without consent, and imps no ad can fill.
// Pure and deterministic for a seed; `adtrace load` sends what this yields.
import {
  createRng,
  DEMO_OS_BY_DEVICE,
  DEMO_PLACEMENTS,
  type DemoPlacement,
  type DemoUser,
  type Rng,
} from '@adtrace/ads';
import type { OpenRtbJson } from '@adtrace/producer';

/** Shares of the mix; each case is drawn independently per request. */
export const LOAD_MIX = {
  /** OpenRTB `test: 1`: flows and is traced, never spend. */
  test: 0.03,
  /** Requests whose imps no ad can fill (native only, a size nobody sells, or a floor above every bid). */
  unfillable: 0.08,
  /** Of requests from the EEA/UK (GDPR applies): without a consent string. */
  gdprWithoutConsent: 0.25,
  /** Requests with no user id (device id only, or nothing): ingest keys by device or by event. */
  deviceOnly: 0.07,
  anonymous: 0.05,
  /** First-price auctions (the rest are second price). */
  firstPrice: 0.1,
} as const;

/** Where GDPR applies among the demo countries (ISO alpha-3). */
const GDPR_COUNTRIES = new Set(['DEU', 'FRA', 'ESP', 'GBR']);
/** A TCF v2 string granting purposes 1-4, 7, 9, 10 (made with @iabtechlabtcf/core). */
export const CONSENTING_TCF = 'CQuSqEAQuSqEAAKABBENABFgAPLAAAAAAAwIAAAAAAAA.IAAA.YAAAAAAAAAAA';
const BANNER_SIZES: readonly (readonly [number, number])[] = [
  [300, 250],
  [300, 250],
  [320, 50],
  [728, 90],
  [300, 600],
  [160, 600],
];
const NATIVE_REQUEST = JSON.stringify({
  ver: '1.2',
  assets: [
    { id: 1, required: 1, title: { len: 90 } },
    { id: 2, required: 1, img: { type: 3, w: 1200, h: 627 } },
  ],
});

/** What the generator intended for one request: lets a test or a report check the pipeline's answer. */
export interface LoadTruth {
  readonly requestId: string;
  readonly userId: string | null;
  readonly platform: 'site' | 'app';
  readonly placement: string;
  readonly deviceType: number;
  /** The device's OS and country as sent: with placement, device type and pos, what the pCTR context (and the true CTR) depends on. */
  readonly os: string;
  readonly country: string;
  readonly test: boolean;
  readonly gdpr: boolean;
  readonly gdprWithoutConsent: boolean;
  readonly unfillable: boolean;
  readonly imps: readonly { readonly id: string; readonly formats: readonly string[]; readonly pos: number }[];
}

export interface LoadEvent {
  readonly request: OpenRtbJson;
  readonly truth: LoadTruth;
}

/**
 * `tmaxMs` sets every request's time budget (OpenRTB `tmax`) instead of the exchanges' 120–300 ms:
 * the auction answers a request older than that with a TIMEOUT no-fill, and a pipeline on a
 * loaded laptop (or all services in one test process) takes longer than an exchange allows.
 */
export function* generateLoad(
  users: readonly DemoUser[],
  seed: number,
  count: number,
  options: { readonly tmaxMs?: number } = {},
): Generator<LoadEvent> {
  if (users.length === 0) throw new Error('the load needs demo users');
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) yield loadEvent(rng, users, seed, i, options.tmaxMs);
}

function loadEvent(rng: Rng, users: readonly DemoUser[], seed: number, i: number, tmaxMs?: number): LoadEvent {
  const id = `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${hex(rng, 4)}-${(seed >>> 0).toString(16).padStart(4, '0').slice(-4)}${i.toString(16).padStart(8, '0')}`;
  // Repeat users: a fifth of the users make most requests (a power law), as real traffic does.
  const user = users[Math.min(users.length - 1, Math.floor(users.length * rng.next() ** 3))]!;
  const who = rng.next();
  const anonymous = who < LOAD_MIX.anonymous;
  const deviceOnly = !anonymous && who < LOAD_MIX.anonymous + LOAD_MIX.deviceOnly;
  const placement = weightedPick(rng, DEMO_PLACEMENTS);
  const deviceType = weightedDevice(rng, placement);
  const test = rng.chance(LOAD_MIX.test);
  const unfillable = rng.chance(LOAD_MIX.unfillable);
  const gdpr = GDPR_COUNTRIES.has(user.country);
  const gdprWithoutConsent = gdpr && rng.chance(LOAD_MIX.gdprWithoutConsent);
  const imps = Array.from({ length: rng.int(1, 3) }, (_, n) => imp(rng, String(n + 1), deviceType, unfillable));
  const context = contextOf(rng, placement);
  const request: OpenRtbJson = {
    id,
    imp: imps.map((x) => x.imp),
    ...context,
    device: {
      ua: userAgent(deviceType),
      ip: `${rng.pick([192, 198, 203])}.${rng.pick(['0.2', '51.100', '0.113'])}.${rng.int(1, 254)}`,
      devicetype: deviceType,
      os: rng.pick(DEMO_OS_BY_DEVICE[deviceType] ?? ['Linux']),
      geo: {
        country: user.country,
        region: user.region,
        lat: Math.round((20 + rng.next() * 40) * 1e4) / 1e4,
        lon: Math.round((-120 + rng.next() * 140) * 1e4) / 1e4,
        type: 2,
      },
      ...(!anonymous &&
        deviceType !== 2 && { ifa: `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}` }),
    },
    ...(!anonymous &&
      !deviceOnly && { user: { id: user.userId, ...(gdpr && !gdprWithoutConsent && { consent: CONSENTING_TCF }) } }),
    regs: { coppa: 0, ...(gdpr && { gdpr: 1 }) },
    at: rng.chance(LOAD_MIX.firstPrice) ? 1 : 2,
    tmax: tmaxMs ?? rng.pick([120, 150, 200, 300]),
    cur: ['USD'],
    ...(rng.chance(0.3) && { bcat: ['IAB25', 'IAB26'] }),
    ...(test && { test: 1 }),
    source: { tid: `${hex(rng, 16)}` },
  };
  const os = (request.device as { os: string }).os;
  return {
    request,
    truth: {
      requestId: id,
      userId: anonymous || deviceOnly ? null : user.userId,
      platform: placement.platform,
      placement: placement.placement,
      deviceType,
      os,
      country: user.country,
      test,
      gdpr,
      gdprWithoutConsent,
      unfillable,
      imps: imps.map((x) => ({
        id: x.imp.id as string,
        formats: x.formats,
        pos: (x.imp as { banner?: { pos?: number } }).banner?.pos ?? 0,
      })),
    },
  };
}

function imp(rng: Rng, id: string, deviceType: number, unfillable: boolean) {
  const floor = Math.round((0.05 + rng.next() * 1.5) * 100) / 100;
  if (unfillable) {
    // Nothing in the demo catalog can take these: no native ads, no 970x250, no 500 USD CPM.
    const kind = rng.int(0, 2);
    if (kind === 0)
      return { imp: { id, native: { request: NATIVE_REQUEST, ver: '1.2' }, bidfloor: floor }, formats: ['native'] };
    if (kind === 1) return { imp: { id, banner: { w: 970, h: 250 }, bidfloor: floor }, formats: ['b970x250'] };
    const [w, h] = rng.pick(BANNER_SIZES);
    return { imp: { id, banner: { format: [{ w, h }] }, bidfloor: 500, bidfloorcur: 'USD' }, formats: [`b${w}x${h}`] };
  }
  const video = {
    mimes: ['video/mp4', 'video/webm'],
    minduration: 5,
    maxduration: 30,
    w: 640,
    h: 360,
    protocols: [2, 3, 5, 6],
    plcmt: 1,
  };
  if (deviceType === 3 || rng.chance(0.2))
    return { imp: { id, video, bidfloor: Math.round(floor * 300) / 100, tagid: `video-${id}` }, formats: ['video'] };
  const sizes = [...new Set(Array.from({ length: rng.int(1, 2) }, () => rng.pick(BANNER_SIZES)))];
  const banner = { format: sizes.map(([w, h]) => ({ w, h })), pos: rng.pick([0, 1, 1, 3]) };
  const formats = sizes.map(([w, h]) => `b${w}x${h}`);
  // Multi-format imps are legal: a slot that also takes native (which nobody here sells) or video.
  const extra = rng.next();
  if (extra < 0.1)
    return {
      imp: { id, banner, native: { request: NATIVE_REQUEST, ver: '1.2' }, bidfloor: floor },
      formats: [...formats, 'native'],
    };
  if (extra < 0.15) return { imp: { id, banner, video, bidfloor: floor }, formats: [...formats, 'video'] };
  return { imp: { id, banner, bidfloor: floor, tagid: `slot-${id}` }, formats };
}

function contextOf(rng: Rng, p: DemoPlacement): Record<string, unknown> {
  const publisher = { id: `pub-${p.placement.split('.')[p.platform === 'app' ? 1 : 0]}` };
  if (p.platform === 'app')
    return { app: { id: `app-${p.placement}`, bundle: p.placement, cat: [...p.cat], publisher } };
  const path = rng.pick(['', 'article', 'reviews', 'latest', 'guide']);
  return {
    site: {
      id: `site-${p.placement}`,
      domain: p.placement,
      page: `https://${p.placement}/${path}${path && `/${rng.int(1000, 9999)}`}`,
      cat: [...p.cat],
      publisher,
    },
  };
}

function weightedPick(rng: Rng, placements: readonly DemoPlacement[]): DemoPlacement {
  // Sites and apps alike; the streaming app (CTV) is rarer.
  const weights = placements.map((p) => (p.devices.some(([d]) => d === 3) ? 1 : 4));
  let r = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < placements.length; i++) {
    r -= weights[i]!;
    if (r < 0) return placements[i]!;
  }
  return placements[placements.length - 1]!;
}

function weightedDevice(rng: Rng, p: DemoPlacement): number {
  let r = rng.next() * p.devices.reduce((s, [, w]) => s + w, 0);
  for (const [d, w] of p.devices) {
    r -= w;
    if (r < 0) return d;
  }
  return p.devices[p.devices.length - 1]![0];
}

function userAgent(deviceType: number): string {
  if (deviceType === 2)
    return 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
  if (deviceType === 3)
    return 'Mozilla/5.0 (SMART-TV; Linux; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/5.0 TV Safari/537.36';
  return 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
}

function hex(rng: Rng, digits: number): string {
  let s = '';
  while (s.length < digits)
    s += Math.floor(rng.next() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return s.slice(0, digits);
}
