import { createHash } from 'node:crypto';

/**
 * The event id of a bid request, derived from where it came from and the exchange's request
 * id rather than drawn at random: a duplicate that slips past ingest's de-duplication (a retry
 * after a rebalance, a replayed dead letter) maps to the same event and is dropped downstream.
 *
 * A name-based UUID (RFC 9562 version 8, SHA-256 of the name, as the RFC's own example does):
 * the shape every tool accepts, no '.' in it (impression ids append one), and nothing of the
 * request id readable in it.
 */
export function deriveEventId(source: string, requestId: string): string {
  // JSON of the pair keeps ('a:b', 'c') and ('a', 'b:c') apart.
  const digest = createHash('sha256')
    .update(JSON.stringify([source, requestId]))
    .digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version 8
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The impression id of one imp of an event: a request can win several imps, and each is its
 * own impression (its own spend, its own caps). Event ids hold no '.', so the first '.' splits
 * it back into its parts, and the id stays readable in traces and the warehouse.
 */
export function impressionIdOf(eventId: string, impId: string): string {
  if (eventId.includes('.')) throw new Error(`event id ${JSON.stringify(eventId)} must not contain '.'`);
  return `${eventId}.${impId}`;
}

export function splitImpressionId(impressionId: string): { readonly eventId: string; readonly impId: string } {
  const dot = impressionId.indexOf('.');
  if (dot <= 0) throw new Error('not an impression id: expected <event id>.<imp id>');
  return { eventId: impressionId.slice(0, dot), impId: impressionId.slice(dot + 1) };
}
