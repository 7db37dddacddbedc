// delivery's ads.prepare_creative: the winning ad's creative for the imp, its markup with the
// impression and click URLs filled in. The URLs carry an opaque tracking token that the caller
// signs (token format and keys belong to tracking, not here).
import type { Ad, Imp } from '@adtrace/schemas';
import { creativeFormatKey, impFormatKeys } from './targeting.ts';

export interface TrackingUrls {
  /** Base of the tracking endpoints, e.g. https://t.adtrace.example (no trailing slash needed). */
  readonly baseUrl: string;
  /** The signed, URL-safe or not, opaque token; it is percent-encoded here. */
  readonly token: string;
}

export interface CreativeAttributes {
  readonly 'creative.id': string;
  /** BANNER or VIDEO (the schema's CreativeFormat). */
  readonly 'creative.type': string;
  /** The size served, `<w>x<h>`. */
  readonly 'creative.format': string;
  /** html or vast. */
  readonly 'creative.markup_type': string;
}

export interface PreparedCreative {
  readonly markup: string;
  readonly impressionUrl: string;
  readonly clickUrl: string;
  readonly w: number;
  readonly h: number;
  readonly attributes: CreativeAttributes;
}

/**
 * Fills the ad's creative template for the imp. Throws when the creative does not fit the imp:
 * candidate selection only offers fitting ads, so that would be a bug upstream, not a no-fill.
 */
export function prepareCreative(ad: Ad, imp: Imp, tracking: TrackingUrls): PreparedCreative {
  const creative = ad.creative;
  const key = creativeFormatKey(creative);
  if (!impFormatKeys(imp).includes(key)) {
    throw new Error(`creative ${creative.id} (${key}) does not fit imp ${imp.id} (${impFormatKeys(imp).join(', ')})`);
  }
  const base = tracking.baseUrl.replace(/\/+$/, '');
  const t = encodeURIComponent(tracking.token);
  const impressionUrl = `${base}/imp?t=${t}`;
  const clickUrl = `${base}/click?t=${t}&r=${encodeURIComponent(creative.clickUrl)}`;
  const vast = creative.format === 'VIDEO';
  // HTML attributes need & escaped; VAST puts URLs in CDATA, where only "]]>" could break out.
  const fill = vast ? (url: string) => url.replaceAll(']]>', ']]%3E') : escapeHtmlAttribute;
  const markup = creative.markup.replaceAll('{IMP_URL}', fill(impressionUrl)).replaceAll('{CLICK_URL}', fill(clickUrl));
  const w = vast ? (imp.video?.w ?? creative.w) : creative.w;
  const h = vast ? (imp.video?.h ?? creative.h) : creative.h;
  return {
    markup,
    impressionUrl,
    clickUrl,
    w,
    h,
    attributes: {
      'creative.id': creative.id,
      'creative.type': creative.format,
      'creative.format': `${w}x${h}`,
      'creative.markup_type': vast ? 'vast' : 'html',
    },
  };
}

function escapeHtmlAttribute(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
