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
export { checkUsdRates, floorToUsdMicros, parseUsdRates, type UsdRates } from './ingest/floor-currency.ts';
export { IngestError, type IngestErrorCode } from './ingest/ingest-error.ts';
export { truncateIPv4, truncateIPv6, truncateIp } from './ingest/ip-truncate.ts';
export { type RedactedDeadLetter, redactRawDeadLetter } from './ingest/redact-dead-letter.ts';
export { type PiiAction, type PiiRule, type ReducedPii, reducePii } from './ingest/reduce-pii.ts';
export { type Ingested, type IngestOptions, toBidRequest } from './ingest/to-bid-request.ts';
// --- end ingest and identity ---

// --- attribution and ROAS (issue 13): pure, no I/O ---
export {
  type BudgetAlertConfig,
  type BudgetAlertState,
  budgetAlerts,
  DEFAULT_BUDGET_ALERT_CONFIG,
} from './aggregation/budget-alerts.ts';
export {
  advanceCalibration,
  applyCalibrationEvent,
  type CalibrationConfig,
  type CalibrationResult,
  type CalibrationState,
  type CalibrationTotals,
  calibrationOf,
  closeCalibrationWindows,
  DEFAULT_CALIBRATION_CONFIG,
  EMPTY_CALIBRATION_STATE,
} from './aggregation/calibration.ts';
export { applySpend, spentToday, utcDayStartOf } from './aggregation/campaign-spend.ts';
export { DEFAULT_ROAS_CONFIG, type RoasConfig, toRoasConfig, windowStartOf } from './aggregation/config.ts';
export {
  applyRoasRecord,
  currentRows,
  EMPTY_ROAS_TABLE,
  hasCaughtUp,
  type RoasTable,
} from './aggregation/generations.ts';
export { RoasAggregator } from './aggregation/roas-aggregator.ts';
export {
  type ApplyOutcome,
  advanceWatermark,
  aggregationDedupKey,
  applyEvent,
  dedupExpiresAtMs,
  EMPTY_ROAS_STATE,
  flushWindows,
  type RoasState,
  type WindowState,
} from './aggregation/roas-windows.ts';
export { addEvent, EMPTY_TOTALS, ratiosOf, type WindowTotals } from './aggregation/window-totals.ts';
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
export { exampleModel } from './attribution/simulate/example-model.ts';
export {
  type ImpressionPlan,
  type SimImpression,
  simulateImpressions as simulateAttributedImpressions,
} from './attribution/simulate/impressions.ts';
export {
  LATENESS_MARGIN_MS,
  latenessMarginOf,
  type SimCampaign,
  type SimModel,
  trueCtr as simulatedTrueCtr,
  type ValueDistribution,
} from './attribution/simulate/model.ts';
export { createRng, type Rng, shuffle } from './attribution/simulate/prng.ts';
export { runTracking, type TrackedEvent, type TrackingRun } from './attribution/simulate/reference-pipeline.ts';
export { computeTruth, type SimTruth, type TruthConversion, type TruthWindow } from './attribution/simulate/truth.ts';
export {
  byDelivery,
  createUserEventSimulator,
  type SimLabel,
  type SimLateness,
  type SimUserEvent,
  simulateUserEvents,
  type UserEventSimulator,
  withinGraceSlackOf,
} from './attribution/simulate/user-events.ts';
export { type RawUserEvent, toRawUserEvent } from './attribution/simulate/wire.ts';
export { decodeTouchState, encodeTouchState } from './attribution/touch-state-codec.ts';
export {
  clickEventIdOf,
  EMPTY_TOUCH_STATE,
  isEmptyTouchState,
  pruneTouches,
  recordTouch,
  type Touch,
  touchIdOf,
  touchStateExpiresAtMs,
  type UserTouchState,
  viewTouchOf,
} from './attribution/touches.ts';
// --- end attribution and ROAS ---

// @adtrace/ads: pure ad logic without I/O. Named exports only, one block per area.

// serving: profile, candidates, policy, pCTR, auction, creative, demo data and ground truth
export { type AdIndex, buildAdIndex, type IndexedAd } from './ad-index.ts';
export {
  type AuctionAttributes,
  type AuctionOptions,
  type AuctionResult,
  type AuctionType,
  auctionWin,
  clearingPrice,
  compareBids,
  DEFAULT_SCORED_SPANS,
  GSP_EPSILON_MICROS,
  isTimedOut,
  noFill,
  runAuction,
  type ScoreAdAttributes,
} from './auction.ts';
export {
  type Candidate,
  type CandidateAttributes,
  type CandidateSelection,
  DEFAULT_CANDIDATES_K,
  prepareRequestTargeting,
  type RequestTargeting,
  selectCandidates,
} from './candidates.ts';
export { type CreativeAttributes, type PreparedCreative, prepareCreative, type TrackingUrls } from './creative.ts';
export {
  type DecisionOptions,
  decideImp,
  decideRequest,
  type ImpDecision,
  noFillReason,
  type StageTimes,
  scorer,
} from './decide.ts';
export { DEMO_CATALOG_OPTIONS, DEMO_PUBLISHED_MS, DEMO_SEED, generateDemoCatalog } from './demo/catalog.ts';
export {
  DEMO_CATALOG_URL,
  DEMO_SEGMENT_DEFINITIONS_URL,
  DEMO_USERS_URL,
  parseNdjson,
  SHIPPED_PCTR_MODEL_URL,
  toNdjson,
} from './demo/files.ts';
export {
  type ConversionTruth,
  contextQuery,
  conversionTruth,
  GROUND_TRUTH_VERSION,
  type SimulatedImpression,
  type SimulationOptions,
  servedCtr,
  simulateImpressions,
  trueCtr,
} from './demo/ground-truth.ts';
export {
  DEMO_ADVERTISERS,
  DEMO_GEOS,
  DEMO_INTERESTS,
  DEMO_OS_BY_DEVICE,
  DEMO_PLACEMENTS,
  DEMO_SEGMENTS,
  type DemoAdvertiser,
  type DemoPlacement,
} from './demo/taxonomy.ts';
export {
  adsById,
  DEMO_USER_EVENT_FAULTS,
  type DemoUserEventOptions,
  demoUserEventModel,
  type PipelineWindows,
  type ServedPlan,
  servedDemoImpressions,
} from './demo/user-event-model.ts';
export { DEMO_USER_COUNT, type DemoUser, generateDemoUsers } from './demo/users.ts';
export { dot, EMBEDDING_DIM, embedInterests, interestVector, normalize } from './embedding.ts';
export {
  type CapState,
  capAllows,
  capStateKey,
  capStateTtlMs,
  countInWindow,
  EMPTY_CAP_STATE,
  recordImpression,
} from './frequency-cap.ts';
export { FEATURE_SET, type PctrContext, pctrContext } from './pctr/features.ts';
export { DEFAULT_FTRL, type FtrlParams, FtrlProximal } from './pctr/ftrl.ts';
export { loadPctrModel, MODEL_FORMAT, type PctrModel, type PctrModelFile, predictCtr } from './pctr/model.ts';
export {
  type Calibration,
  DEFAULT_HASH_BITS,
  evaluateCalibration,
  type TrainOptions,
  trainPctrModel,
} from './pctr/train.ts';
export { placementOf, platformOf } from './placement.ts';
export {
  blockedByRequest,
  blockedPolicyFlags,
  budgetExhausted,
  type CampaignSpend as SpendLookup,
  ecpmMicros,
  evenDailyPacing,
  FLAG_CATEGORIES,
  type PacingRule,
  type PolicyAttributes,
  type PolicyInput,
  type PolicyResult,
  policyFilter,
  type ScoredBid,
} from './policy.ts';
export {
  type BuiltProfile,
  buildUserProfile,
  geoRegion,
  type ProfileAttributes,
  type SegmentsLookup,
} from './profile.ts';
export { matchCampaign, type TargetingContext, targetingContext } from './targeting.ts';
// end serving

// --- segment builder (issue 13): definitions, diff, memberships; pure ---
export { campaignScope, needsCatalog } from './segments/campaign-scope.ts';
export {
  ATTRIBUTE_TYPES,
  type AttributeCriterion,
  BEHAVIOUR_TYPES,
  type BehaviourCriterion,
  type CountCriterion,
  isBehaviourCriterion,
  MAX_WITHIN_DAYS,
  parseSegmentDefinitions,
  SEGMENT_TYPES,
  type SegmentCriterion,
  type SegmentDefinition,
  SegmentDefinitionError,
  type SegmentType,
  type ValueCriterion,
} from './segments/definitions.ts';
export {
  diffMembers,
  LARGE_SEGMENT_CHANGE_PCT,
  type MembershipUpdate,
  meetsAttributes,
  membersBySegment,
  membershipRecords,
  nextBuilderVersion,
  type SegmentDiff,
} from './segments/memberships.ts';
// --- end segment builder ---
