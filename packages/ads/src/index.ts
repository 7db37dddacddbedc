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
// --- end ingest and identity ---
