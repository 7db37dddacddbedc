// @adtrace/ads: pure ad logic without I/O. Named exports only.

// --- ingest and identity (issue 12) ---
export { deriveEventId, impressionIdOf, splitImpressionId } from './identity/event-id.ts';
export {
  ExpiredTokenError,
  ForgedTokenError,
  MalformedTokenError,
  TrackingTokenError,
  type TrackingTokenErrorCode,
  UnknownTokenKeyError,
} from './identity/token-errors.ts';
export {
  createTokenSigner,
  type TokenKey,
  type TokenKeyring,
  type TokenSigner,
  type TrackingClaims,
  type VerifiedClaims,
} from './identity/tracking-token.ts';
export {
  anonymousUserKey,
  createUserKeyer,
  isAnonymousUserKey,
  MIN_USER_KEY_SECRET_BYTES,
  type UserIds,
  type UserKey,
  type UserKeySource,
} from './identity/user-key.ts';
export {
  type ConsentDecision,
  type ConsentOptions,
  type ConsentRestriction,
  decideConsent,
} from './ingest/consent.ts';
export { checkUsdRates, floorToUsdMicros, type UsdRates } from './ingest/floor-currency.ts';
export { IngestError, type IngestErrorCode } from './ingest/ingest-error.ts';
export { truncateIPv4, truncateIPv6, truncateIp } from './ingest/ip-truncate.ts';
export { type RedactedDeadLetter, redactRawDeadLetter } from './ingest/redact-dead-letter.ts';
export { type PiiAction, type PiiRule, type ReducedPii, reducePii } from './ingest/reduce-pii.ts';
export { type Ingested, type IngestOptions, toBidRequest } from './ingest/to-bid-request.ts';
// --- end ingest and identity ---
