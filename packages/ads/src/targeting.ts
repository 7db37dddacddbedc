// Targeting: who and where a campaign may be shown, and which imps an ad's creative fits.
// Request-level criteria are checked once per campaign per request; the format check is per
// imp × ad and is answered by the ad index's format buckets (ad-index.ts).
import type { AgeBracket, BidRequest, Campaign, Creative, Imp, UserProfile } from '@adtrace/schemas';

/** What targeting looks at, extracted once per request. */
export interface TargetingContext {
  readonly country: string | null;
  readonly geoRegion: string | null;
  readonly deviceType: number | null;
  readonly os: string | null;
  readonly segments: ReadonlySet<string>;
  readonly ageBracket: AgeBracket;
  /** Site domain, app bundle and app domain, DOOH owner domain: whichever the request has. */
  readonly placements: readonly string[];
}

export function targetingContext(request: BidRequest, profile: UserProfile): TargetingContext {
  const placements = [request.site?.domain, request.app?.bundle, request.app?.domain, request.dooh?.domain]
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .map((d) => d.toLowerCase());
  return {
    country: request.device?.geo?.country?.toUpperCase() ?? null,
    geoRegion: profile.geoRegion,
    deviceType: request.device?.devicetype ?? null,
    os: request.device?.os?.toLowerCase() ?? null,
    segments: new Set(profile.segments),
    ageBracket: profile.ageBracket,
    placements,
  };
}

export interface TargetingMatch {
  readonly matched: boolean;
  /** The campaign targets segments and the user is in one of them. */
  readonly segmentMatched: boolean;
}

const NO_MATCH: TargetingMatch = { matched: false, segmentMatched: false };

/**
 * Whether a campaign may bid on this request: active, within its flight dates, and every
 * non-empty targeting list matched (AND across lists, OR within one). An unknown request value
 * (no country, no device type) fails a list that constrains it: targeting is a promise to the
 * advertiser, so "unknown" is not "anywhere".
 */
export function matchCampaign(campaign: Campaign, ctx: TargetingContext, nowMs: number): TargetingMatch {
  if (!campaign.active) return NO_MATCH;
  if (campaign.startMs !== null && nowMs < campaign.startMs) return NO_MATCH;
  if (campaign.endMs !== null && nowMs >= campaign.endMs) return NO_MATCH;
  const t = campaign.targeting;
  if (t.countries.length > 0 && (ctx.country === null || !t.countries.includes(ctx.country))) return NO_MATCH;
  if (t.geoRegions.length > 0 && (ctx.geoRegion === null || !t.geoRegions.includes(ctx.geoRegion))) return NO_MATCH;
  if (t.deviceTypes.length > 0 && (ctx.deviceType === null || !t.deviceTypes.includes(ctx.deviceType))) {
    return NO_MATCH;
  }
  if (t.os.length > 0 && (ctx.os === null || !t.os.some((os) => os.toLowerCase() === ctx.os))) return NO_MATCH;
  if (t.ageBrackets.length > 0 && !t.ageBrackets.includes(ctx.ageBracket)) return NO_MATCH;
  if (t.excludedSegments.some((s) => ctx.segments.has(s))) return NO_MATCH;
  const segmentMatched = t.segments.length > 0 && t.segments.some((s) => ctx.segments.has(s));
  if (t.segments.length > 0 && !segmentMatched) return NO_MATCH;
  if (t.domains.length > 0 && !ctx.placements.some((p) => t.domains.some((d) => domainMatches(p, d)))) {
    return NO_MATCH;
  }
  return { matched: true, segmentMatched };
}

/** A placement matches a targeted domain exactly or as a subdomain (news.example.com ⊂ example.com). */
export function domainMatches(placement: string, target: string): boolean {
  const t = target.toLowerCase();
  return placement === t || placement.endsWith(`.${t}`);
}

/** The MIME type of the demo's VAST media files; a video imp must accept it. */
export const VIDEO_MIME = 'video/mp4';

/** The format keys an imp offers: `b<w>x<h>` per banner size, `video` for a video player. */
export function impFormatKeys(imp: Imp): string[] {
  const keys: string[] = [];
  for (const f of imp.banner?.format ?? []) keys.push(bannerKey(f.w, f.h));
  if (imp.video && (imp.video.mimes.length === 0 || imp.video.mimes.includes(VIDEO_MIME))) keys.push('video');
  return [...new Set(keys)];
}

/** The format key a creative fills. */
export function creativeFormatKey(creative: Creative): string {
  return creative.format === 'VIDEO' ? 'video' : bannerKey(creative.w, creative.h);
}

function bannerKey(w: number, h: number): string {
  return `b${w}x${h}`;
}
