// --- attribution and ROAS (issue 13): pure, no I/O ---
export {
  type AttributeContext,
  type AttributionResult,
  attribute,
  type Conversion,
  clickEvent,
  clickTouchOf,
  conversionEvent,
  impressionEvent,
  type VerifiedClick,
} from './attribution/attribute.ts';
export { type AttributionConfig, DEFAULT_ATTRIBUTION_CONFIG, toAttributionConfig } from './attribution/config.ts';
export { type CurrencyRates, toUsdMicros, type UsdValue } from './attribution/currency.ts';
export { clickDedupKey, conversionDedupKey, expireSeen, firstWins, type SeenKeys } from './attribution/dedup.ts';
export { AttributionError, type AttributionErrorCode, isAttributionError } from './attribution/errors.ts';
export type { AttributedEventRecord, PendingAttributedEventFields } from './attribution/pending-fields.ts';
export {
  clickEventIdOf,
  EMPTY_TOUCH_STATE,
  impressionIdOf,
  isEmptyTouchState,
  pruneTouches,
  recordTouch,
  type Touch,
  touchStateExpiresAtMs,
  type UserTouchState,
  viewTouchOf,
} from './attribution/touches.ts';
// --- end attribution and ROAS ---
