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
export { type DecisionOptions, decideImp, decideRequest, type ImpDecision, noFillReason, scorer } from './decide.ts';
export { DEMO_CATALOG_OPTIONS, DEMO_PUBLISHED_MS, DEMO_SEED, generateDemoCatalog } from './demo/catalog.ts';
export { DEMO_CATALOG_URL, DEMO_USERS_URL, parseNdjson, SHIPPED_PCTR_MODEL_URL, toNdjson } from './demo/files.ts';
export {
  GROUND_TRUTH_VERSION,
  type SimulatedImpression,
  type SimulationOptions,
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
export {
  blockedByRequest,
  blockedPolicyFlags,
  budgetExhausted,
  type CampaignSpend,
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
