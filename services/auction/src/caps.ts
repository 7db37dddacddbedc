// Frequency caps as the auction keeps them: one CapState per user × campaign in a TTL store,
// advanced by the impressions delivery served (billable), never by wins. Anonymous and
// contextual requests (user key `anon_…`) have no caps: nothing is read or stored for them.
import { type CapState, capStateKey, isAnonymousUserKey, recordImpression } from '@adtrace/ads';
import type { Campaign, Impression } from '@adtrace/schemas';
import type { KeyValueStore } from '@adtrace/stream';

/** The cap lookup decide.ts takes for this user; undefined when the user may not be capped. */
export function capLookup(
  store: KeyValueStore<CapState>,
  userKey: string,
): ((campaignId: string) => CapState | undefined) | undefined {
  if (isAnonymousUserKey(userKey)) return undefined;
  return (campaignId) => store.get(capStateKey(userKey, campaignId));
}

/**
 * Counts a served impression against its campaign's caps. Returns what it did: `anonymous`,
 * `unknown_campaign` (not, or no longer, in the table), `uncapped`, or `recorded`.
 */
export function recordServed(
  store: KeyValueStore<CapState>,
  campaign: Campaign | undefined,
  impression: Impression,
): 'anonymous' | 'unknown_campaign' | 'uncapped' | 'recorded' {
  if (isAnonymousUserKey(impression.userKey)) return 'anonymous';
  if (!campaign) return 'unknown_campaign';
  if (campaign.frequencyCaps.length === 0) return 'uncapped';
  const key = capStateKey(impression.userKey, campaign.id);
  store.put(key, recordImpression(campaign.frequencyCaps, store.get(key), impression.eventTimeMs));
  return 'recorded';
}
