import type { BidRequest } from '@adtrace/schemas';

/**
 * Where the ad is shown: the site's domain, the app's bundle, the screen's domain. Ingest puts
 * it on `ads.serve` (`ads.placement`), the auction on each outcome, delivery on
 * `ads.served.total`. Its cardinality is the number of sites and apps a pipeline serves.
 */
export function placementOf(request: BidRequest): string {
  return request.site?.domain ?? request.app?.bundle ?? request.app?.domain ?? request.dooh?.domain ?? 'unknown';
}

export function platformOf(request: BidRequest): 'site' | 'app' | 'dooh' | 'unknown' {
  if (request.site) return 'site';
  if (request.app) return 'app';
  if (request.dooh) return 'dooh';
  return 'unknown';
}
