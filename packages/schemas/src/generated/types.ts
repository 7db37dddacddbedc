// generated — do not edit. Source: schemas/*.avsc; regenerate with `pnpm --filter @adtrace/schemas codegen`.
/** Something ops should look at: calibration drift, a large segment change, a budget event. */
export interface Alert {
  /** Unique id of the alert. */
  readonly alertId: string;
  /** What is wrong. */
  readonly kind: AlertKind;
  /** How urgent. */
  readonly severity: AlertSeverity;
  /** Service or job that raised it, e.g. aggregation. */
  readonly source: string;
  /** Campaign concerned, when there is one. */
  readonly campaignId: string | null;
  /** Segment concerned, when there is one. */
  readonly segmentId: string | null;
  /** Observed value of the metric (e.g. calibration 1.4, segment change 0.27). */
  readonly value: number | null;
  /** Threshold the value crossed. */
  readonly threshold: number | null;
  /** One sentence for a person. */
  readonly message: string;
  /** Further context as key/value pairs; never personal data. */
  readonly attributes: Readonly<Record<string, string>>;
  /** When the condition was detected, epoch ms. */
  readonly eventTimeMs: number;
}

/** Alert kinds; readers map an unknown newer kind to OTHER. */
export type AlertKind = 'CALIBRATION_DRIFT' | 'LARGE_SEGMENT_CHANGE' | 'BUDGET_EXHAUSTED' | 'BUDGET_PACING' | 'OTHER';

/** The symbols of AlertKind, in schema order. */
export const AlertKindSymbols = ['CALIBRATION_DRIFT', 'LARGE_SEGMENT_CHANGE', 'BUDGET_EXHAUSTED', 'BUDGET_PACING', 'OTHER'] as const;

/** Alert severities. */
export type AlertSeverity = 'INFO' | 'WARNING' | 'CRITICAL';

/** The symbols of AlertSeverity, in schema order. */
export const AlertSeveritySymbols = ['INFO', 'WARNING', 'CRITICAL'] as const;

/** An impression, a click, or a conversion attributed (last touch) to an impression or click, with its cost and value; keyed by campaign id for aggregation. */
export interface AttributedEvent {
  /** Id of this attributed event: the impression id for impressions (the impression's event id in records written before impressionId existed), the click's id (impression id + ':click') for clicks, the conversion id for conversions. */
  readonly eventId: string;
  /** What happened. */
  readonly kind: AttributedEventKind;
  /** Event id of the bid request the ad event started from (the trace's event). */
  readonly originalEventId: string;
  /** Campaign credited (the Kafka message key). */
  readonly campaignId: string;
  /** Ad credited. */
  readonly adId: string;
  /** Pseudonymous user key. PII: indirect. */
  readonly userKey: string;
  /** For conversions, which touch it was attributed to; NONE for impressions and clicks. */
  readonly touch: AttributionTouch;
  /** Spend this event causes in micros: the impression price (CPM) or click price (CPC); 0 for conversions. */
  readonly costMicros: number;
  /** Conversion value in micros; 0 for impressions and clicks. */
  readonly valueMicros: number;
  /** Predicted CTR of the impression (impressions only, else 0), summed for predicted vs observed CTR. */
  readonly pctr: number;
  /** Event time of the impression, click or conversion, epoch ms; drives the ROAS window. */
  readonly eventTimeMs: number;
  /** When tracking attributed it, epoch ms. */
  readonly attributedAtMs: number;
  /** The impression the event belongs to (impressions, clicks) or was attributed to (conversions): the impression's own id, event id + imp id. Impressions and clicks are de-duplicated by it (one click per impression counts). Empty in records written before it existed (read eventId for impressions). */
  readonly impressionId: string;
  /** Conversions: id of the touch credited (the click's event id, or the impression id for a view); null for impressions and clicks. */
  readonly touchEventId: string | null;
  /** Conversions: event time of the touch credited, epoch ms; null for impressions and clicks. */
  readonly touchTimeMs: number | null;
  /** Conversions: ISO-4217 currency the value was reported in (valueMicros is converted to USD); USD otherwise. */
  readonly originalCurrency: string;
  /** Conversions: value in micros of originalCurrency, as reported, before conversion to USD; 0 otherwise. */
  readonly originalValueMicros: number;
  /** Impressions and clicks: version of the pCTR model that scored the impression, for calibration per model version; null for conversions, when no model ran, or in records that predate the field. */
  readonly modelVersion: string | null;
}

/** Kinds of attributed event. */
export type AttributedEventKind = 'IMPRESSION' | 'CLICK' | 'CONVERSION';

/** The symbols of AttributedEventKind, in schema order. */
export const AttributedEventKindSymbols = ['IMPRESSION', 'CLICK', 'CONVERSION'] as const;

/** Last-touch attribution windows. */
export type AttributionTouch = 'NONE' | 'CLICK' | 'VIEW';

/** The symbols of AttributionTouch, in schema order. */
export const AttributionTouchSymbols = ['NONE', 'CLICK', 'VIEW'] as const;

/** The result of the auction for one impression: a win (exactly 'win' set) or a no-fill (exactly 'noFill' set), told apart by 'outcome'. An enum plus optional branches rather than a union of records, so that every reader sees one flat, evolvable record. */
export interface AuctionOutcome {
  /** Event id of the bid request this outcome belongs to. */
  readonly eventId: string;
  /** OpenRTB request id. */
  readonly requestId: string;
  /** Id of the impression auctioned. */
  readonly impId: string;
  /** Pseudonymous user key (the Kafka message key). PII: indirect. */
  readonly userKey: string;
  /** WIN: 'win' is set, 'noFill' is null. NO_FILL: the reverse. */
  readonly outcome: AuctionOutcomeKind;
  /** The winner, when outcome is WIN. */
  readonly win: AuctionWin | null;
  /** Why no ad won, when outcome is NO_FILL. */
  readonly noFill: NoFill | null;
  /** Version of the pCTR model file that scored the auction; null when no model ran (or the record predates the field). */
  readonly modelVersion: string | null;
  /** When the auction decided, epoch ms. */
  readonly decidedAtMs: number;
  /** Where the ad is shown: the site's domain, the app's bundle or the screen's domain (ingest's ads.placement); delivery counts ads.served.total by it. Empty in records written before it was added. */
  readonly placement: string;
  /** The bid request was a test (OpenRTB test = 1): it is served and traced, but never counts as spend or in ROAS. False in records written before it was added. */
  readonly test: boolean;
}

/** Whether the auction produced a winner. */
export type AuctionOutcomeKind = 'WIN' | 'NO_FILL';

/** The symbols of AuctionOutcomeKind, in schema order. */
export const AuctionOutcomeKindSymbols = ['WIN', 'NO_FILL'] as const;

/** The winning ad and its price under generalized second price. */
export interface AuctionWin {
  /** Campaign of the winning ad. */
  readonly campaignId: string;
  /** Winning ad. */
  readonly adId: string;
  /** Creative of the winning ad. */
  readonly creativeId: string;
  /** Whether the bid is per 1,000 impressions or per click. */
  readonly bidType: BidType;
  /** The ad's bid in micros: a CPM for CPM bids, a price per click for CPC bids. */
  readonly bidMicros: number;
  /** Predicted click-through rate of the ad for this request, in [0, 1]. */
  readonly pctr: number;
  /** Rank score: effective CPM in micros (CPM bid, or CPC bid x pCTR x 1000). */
  readonly ecpmMicros: number;
  /** What the winner pays per 1,000 impressions in micros under generalized second price: what it needs to beat the runner-up, never below the floor. */
  readonly clearingPriceCpmMicros: number;
  /** The floor the auction applied, as a CPM in micros. */
  readonly floorCpmMicros: number;
  /** The second-ranked ad, when there was one. */
  readonly runnerUp: RunnerUp | null;
  /** How many ads passed targeting and policy and entered the auction. */
  readonly candidates: number;
}

/** How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors. */
export type BidType = 'CPM' | 'CPC';

/** The symbols of BidType, in schema order. */
export const BidTypeSymbols = ['CPM', 'CPC'] as const;

/** The ad ranked second, which sets the winner's price. */
export interface RunnerUp {
  /** Campaign of the runner-up. */
  readonly campaignId: string;
  /** Runner-up ad. */
  readonly adId: string;
  /** Predicted click-through rate of the runner-up. */
  readonly pctr: number;
  /** Effective CPM of the runner-up in micros. */
  readonly ecpmMicros: number;
}

/** A no-fill and its reason. */
export interface NoFill {
  /** Why no ad was served. */
  readonly reason: NoFillReason;
  /** Prebid Server rejection code where one fits (101 timeout, 301 below floor, 304 below deal floor). */
  readonly code: number | null;
  /** Free text for people reading dead letters and traces; never parsed. */
  readonly detail: string | null;
}

/** No-fill reasons; readers map an unknown newer reason to OTHER. */
export type NoFillReason = 'NO_CANDIDATES' | 'NO_TARGETING_MATCH' | 'BELOW_FLOOR' | 'FREQUENCY_CAPPED' | 'BUDGET_EXHAUSTED' | 'POLICY_BLOCKED' | 'BLOCKED_BY_REQUEST' | 'TIMEOUT' | 'OTHER';

/** The symbols of NoFillReason, in schema order. */
export const NoFillReasonSymbols = ['NO_CANDIDATES', 'NO_TARGETING_MATCH', 'BELOW_FLOOR', 'FREQUENCY_CAPPED', 'BUDGET_EXHAUSTED', 'POLICY_BLOCKED', 'BLOCKED_BY_REQUEST', 'TIMEOUT', 'OTHER'] as const;

/** A normalized OpenRTB 2.6 bid request (the subset the pipeline uses), after ingest: keyed by the pseudonymous user key, PII reduced the way Prebid Server does it, raw user and device ids dropped. */
export interface BidRequest {
  /** Pipeline event id, derived by ingest from the source and the OpenRTB request id, so that a duplicate maps to the same event; every span and downstream record of this ad event carries it. */
  readonly eventId: string;
  /** When ingest received the request, epoch ms. */
  readonly receivedAtMs: number;
  /** OpenRTB request id chosen by the exchange; ingest de-duplicates on it. */
  readonly id: string;
  /** Impressions offered, at least one, ids unique within the request. */
  readonly imp: readonly Imp[];
  /** The website, when the ad is shown on a site; at most one of site, app, dooh is set. */
  readonly site: Site | null;
  /** The application, when the ad is shown in an app. */
  readonly app: App | null;
  /** The digital out-of-home screen, when the ad is shown on one. */
  readonly dooh: Dooh | null;
  /** The device, PII reduced: no device ids, truncated IP, rounded location. */
  readonly device: Device | null;
  /** Pseudonymous user key derived by ingest (keyed HMAC of the user and device ids); the Kafka message key from ingest onward. Raw user ids never travel. PII: indirect. */
  readonly userKey: string;
  /** Privacy regulations that apply to the request. */
  readonly regs: Regs;
  /** A test request (OpenRTB test = 1): it flows and is traced, but never counts as spend or in ROAS. */
  readonly test: boolean;
  /** Auction type: 1 first price, 2 second price plus (OpenRTB default), above 500 exchange-specific. */
  readonly at: number;
  /** Time the exchange allows for the bid, in ms, network included. */
  readonly tmax: number | null;
  /** Currencies allowed for bids (ISO-4217); empty means the exchange default. */
  readonly cur: readonly string[];
  /** Blocked advertiser categories (IAB content taxonomy). */
  readonly bcat: readonly string[];
  /** Blocked advertiser domains. */
  readonly badv: readonly string[];
}

/** One impression opportunity (OpenRTB imp). */
export interface Imp {
  /** Impression id, unique within the request. */
  readonly id: string;
  /** Banner placement, when the impression accepts banners. */
  readonly banner: Banner | null;
  /** Video placement, when the impression accepts video. */
  readonly video: Video | null;
  /** Audio placement, when the impression accepts audio; carried for delivery, not served yet. */
  readonly audio: Audio | null;
  /** Native placement, when the impression accepts native ads: carried so that a native-only imp is not lost. */
  readonly native: Native | null;
  /** Minimum bid as a CPM in micros of bidfloorcur (OpenRTB bidfloor x 1e6); ingest converts floors to USD, so bidfloorcur is USD after it; 0 when absent. */
  readonly bidfloorMicros: number;
  /** ISO-4217 currency of the floor; OpenRTB default USD. */
  readonly bidfloorcur: string;
  /** Placement or ad tag id on the publisher side. */
  readonly tagid: string | null;
}

/** A banner placement (OpenRTB imp.banner). */
export interface Banner {
  /** Accepted sizes, preferred first; from banner.format, or banner.w/h when format is absent. */
  readonly format: readonly Format[];
  /** Ad position on screen (OpenRTB list 'Placement Positions'), when given. */
  readonly pos: number | null;
}

/** One accepted banner size in device-independent pixels. */
export interface Format {
  /** Width in device-independent pixels. */
  readonly w: number;
  /** Height in device-independent pixels. */
  readonly h: number;
}

/** A video placement (OpenRTB imp.video). */
export interface Video {
  /** Accepted content MIME types. */
  readonly mimes: readonly string[];
  /** Minimum ad duration in seconds. */
  readonly minduration: number | null;
  /** Maximum ad duration in seconds. */
  readonly maxduration: number | null;
  /** Player width in device-independent pixels. */
  readonly w: number | null;
  /** Player height in device-independent pixels. */
  readonly h: number | null;
  /** Supported video protocols (OpenRTB list 'Creative Subtypes - Audio/Video'). */
  readonly protocols: readonly number[];
  /** Video placement subtype (OpenRTB 2.6 plcmt). */
  readonly plcmt: number | null;
}

/** An audio placement (OpenRTB imp.audio). */
export interface Audio {
  /** Accepted content MIME types. */
  readonly mimes: readonly string[];
  /** Minimum ad duration in seconds. */
  readonly minduration: number | null;
  /** Maximum ad duration in seconds. */
  readonly maxduration: number | null;
}

/** A native placement (OpenRTB imp.native). */
export interface Native {
  /** The Native Ads request as a JSON string (OpenRTB 2.6 native.request). */
  readonly request: string | null;
  /** Version of the Native Ads specification of request. */
  readonly ver: string | null;
}

/** A website (OpenRTB site). */
export interface Site {
  /** Exchange-specific site id. */
  readonly id: string | null;
  /** Site domain, e.g. news.example. */
  readonly domain: string | null;
  /** URL of the page; can identify a person through path or query, hence indirect PII. PII: indirect. */
  readonly page: string | null;
  /** IAB content categories of the site. */
  readonly cat: readonly string[];
  /** Exchange-specific publisher id (OpenRTB site.publisher.id). */
  readonly publisherId: string | null;
}

/** A mobile or CTV application (OpenRTB app). */
export interface App {
  /** Exchange-specific app id. */
  readonly id: string | null;
  /** Store bundle or package name, e.g. com.example.game. */
  readonly bundle: string | null;
  /** App domain. */
  readonly domain: string | null;
  /** IAB content categories of the app. */
  readonly cat: readonly string[];
  /** Exchange-specific publisher id (OpenRTB app.publisher.id). */
  readonly publisherId: string | null;
}

/** A digital out-of-home placement (OpenRTB 2.6 dooh). */
export interface Dooh {
  /** Exchange-specific DOOH placement id. */
  readonly id: string | null;
  /** Venue types (OpenRTB dooh.venuetype). */
  readonly venuetype: readonly string[];
  /** Domain of the DOOH owner. */
  readonly domain: string | null;
  /** Exchange-specific publisher id (OpenRTB dooh.publisher.id). */
  readonly publisherId: string | null;
}

/** A device (OpenRTB device) after PII reduction. */
export interface Device {
  /** User agent; with other data it can single a person out. PII: indirect. */
  readonly ua: string | null;
  /** IP address truncated by ingest: IPv4 to /24, IPv6 to /56 (textual form). Never the full address. PII: indirect. */
  readonly ip: string | null;
  /** Device location, reduced. */
  readonly geo: Geo | null;
  /** Operating system, e.g. iOS, Android. */
  readonly os: string | null;
  /** OpenRTB device type (list 'Device Types'): 1 mobile/tablet, 2 PC, 3 CTV, 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH device. */
  readonly devicetype: number | null;
}

/** A location (OpenRTB geo) reduced by ingest: lat/lon rounded to 2 decimals; city, zip and metro dropped under COPPA. */
export interface Geo {
  /** Latitude rounded to 2 decimals (about 1 km). PII: indirect. */
  readonly lat: number | null;
  /** Longitude rounded to 2 decimals (about 1 km). PII: indirect. */
  readonly lon: number | null;
  /** Country, ISO-3166-1 alpha-3 as OpenRTB sends it. */
  readonly country: string | null;
  /** Region, ISO-3166-2 subdivision code. */
  readonly region: string | null;
  /** City name; dropped under COPPA. PII: indirect. */
  readonly city: string | null;
  /** Postal code; dropped under COPPA. PII: indirect. */
  readonly zip: string | null;
  /** Metro (DMA) code; dropped under COPPA. PII: indirect. */
  readonly metro: string | null;
}

/** Privacy signals (OpenRTB 2.6 regs, with the GDPR consent string from user.consent). */
export interface Regs {
  /** Whether GDPR applies (regs.gdpr = 1); null when the exchange does not say. */
  readonly gdpr: boolean | null;
  /** IAB TCF consent string (OpenRTB user.consent); holds one person's choices. PII: indirect. */
  readonly consent: string | null;
  /** Whether COPPA applies (regs.coppa = 1): ingest has then also dropped city, zip and metro. */
  readonly coppa: boolean;
  /** IAB CCPA US Privacy string. */
  readonly us_privacy: string | null;
  /** IAB Global Privacy Platform consent string. PII: indirect. */
  readonly gpp: string | null;
  /** GPP section ids that apply. */
  readonly gpp_sid: readonly number[];
}

/** A campaign and its ads, as published to the compacted campaigns topic (latest value per campaign id; a null value deletes). */
export interface Campaign {
  /** Campaign id (the Kafka message key). */
  readonly id: string;
  /** Human-readable name. */
  readonly name: string;
  /** Advertiser who owns the campaign. */
  readonly advertiserId: string;
  /** Whether the campaign may bid at all. */
  readonly active: boolean;
  /** First moment the campaign may bid, epoch ms; null for no start limit. */
  readonly startMs: number | null;
  /** Moment the campaign stops bidding, epoch ms; null for no end. */
  readonly endMs: number | null;
  /** Who may see the campaign's ads; an empty list means any. */
  readonly targeting: Targeting;
  /** Caps per user x campaign x window; every cap must hold. Counted on billable impressions. */
  readonly frequencyCaps: readonly FrequencyCap[];
  /** Spend limits; the auction drops the campaign once one is reached. */
  readonly budget: Budget;
  /** The campaign's ads; each bids on its own. */
  readonly ads: readonly Ad[];
  /** When this version was published, epoch ms. */
  readonly updatedAtMs: number;
}

/** Targeting criteria; all non-empty lists must match (AND), items within a list are alternatives (OR). */
export interface Targeting {
  /** ISO-3166-1 alpha-3 countries. */
  readonly countries: readonly string[];
  /** Regions as profiling names them (e.g. USA-CA). */
  readonly geoRegions: readonly string[];
  /** OpenRTB device types. */
  readonly deviceTypes: readonly number[];
  /** Operating systems. */
  readonly os: readonly string[];
  /** Audience segments, any of which qualifies. */
  readonly segments: readonly string[];
  /** Audience segments that disqualify. */
  readonly excludedSegments: readonly string[];
  /** Age brackets. */
  readonly ageBrackets: readonly AgeBracket[];
  /** Site domains or app bundles to show on. */
  readonly domains: readonly string[];
}

/** Inferred age bracket of a user. Never a birth year: the bracket is as fine as targeting needs and no finer. UNKNOWN is the default for readers that meet a newer symbol. */
export type AgeBracket = 'UNKNOWN' | 'AGE_13_17' | 'AGE_18_24' | 'AGE_25_34' | 'AGE_35_44' | 'AGE_45_54' | 'AGE_55_64' | 'AGE_65_PLUS';

/** The symbols of AgeBracket, in schema order. */
export const AgeBracketSymbols = ['UNKNOWN', 'AGE_13_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_64', 'AGE_65_PLUS'] as const;

/** At most maxImpressions impressions per user within any windowMs. */
export interface FrequencyCap {
  /** Impressions allowed per user per window. */
  readonly maxImpressions: number;
  /** Window length in ms (e.g. 86400000 for a day). */
  readonly windowMs: number;
}

/** Spend limits in micros. */
export interface Budget {
  /** Lifetime budget in micros. */
  readonly totalMicros: number;
  /** Daily budget in micros (UTC days); null for none. */
  readonly dailyMicros: number | null;
  /** ISO-4217 currency of the budget. */
  readonly currency: string;
}

/** One ad: bid, embedding, creative and policy flags. */
export interface Ad {
  /** Ad id, unique across campaigns. */
  readonly id: string;
  /** Whether the ad may bid. */
  readonly active: boolean;
  /** CPM or CPC. */
  readonly bidType: BidType;
  /** Bid in micros: a CPM for CPM ads, a price per click for CPC ads. */
  readonly bidMicros: number;
  /** Ad embedding in the same space as user interest embeddings, for nearest-neighbour candidate selection. */
  readonly embedding: readonly number[];
  /** What is shown. */
  readonly creative: Creative;
  /** Sensitive content the ad carries; policy_filter keeps flagged ads away from requests that forbid them (e.g. COPPA). */
  readonly policyFlags: readonly PolicyFlag[];
}

/** A creative: markup template and landing page. */
export interface Creative {
  /** Creative id. */
  readonly id: string;
  /** Banner or video. */
  readonly format: CreativeFormat;
  /** Width in device-independent pixels. */
  readonly w: number;
  /** Height in device-independent pixels. */
  readonly h: number;
  /** HTML or VAST template; delivery fills in the impression and click URLs. */
  readonly markup: string;
  /** Landing page. */
  readonly clickUrl: string;
  /** Advertiser domains, matched against the request's badv. */
  readonly adomain: readonly string[];
  /** IAB categories of the creative, matched against the request's bcat. */
  readonly cat: readonly string[];
}

/** Media types the pipeline serves. */
export type CreativeFormat = 'BANNER' | 'VIDEO';

/** The symbols of CreativeFormat, in schema order. */
export const CreativeFormatSymbols = ['BANNER', 'VIDEO'] as const;

/** Sensitive ad content; readers map an unknown newer flag to OTHER_SENSITIVE. */
export type PolicyFlag = 'ALCOHOL' | 'GAMBLING' | 'ADULT' | 'POLITICAL' | 'HEALTH' | 'FINANCIAL' | 'OTHER_SENSITIVE';

/** The symbols of PolicyFlag, in schema order. */
export const PolicyFlagSymbols = ['ALCOHOL', 'GAMBLING', 'ADULT', 'POLITICAL', 'HEALTH', 'FINANCIAL', 'OTHER_SENSITIVE'] as const;

/** What a campaign has spent, total and today, as aggregation counts it: the value of the compacted adtrace.campaign-spend topic (key: campaign id), which the auction reads as a global table for budgets and pacing. Counts every de-duplicated impression and click however late (money spent is spent, even when a ROAS window no longer takes the event). */
export interface CampaignSpend {
  /** Campaign (the Kafka message key). */
  readonly campaignId: string;
  /** ISO-4217 currency of the amounts: always USD, the currency of prices. */
  readonly currency: string;
  /** Spend since the campaign started, in micros. */
  readonly totalSpendMicros: number;
  /** Spend with event time in the UTC day that starts at dayStartMs, in micros. A reader whose clock is on a later UTC day reads it as 0. */
  readonly todaySpendMicros: number;
  /** Start of the UTC day todaySpendMicros covers: the day of the campaign's latest event time, epoch ms. */
  readonly dayStartMs: number;
  /** Impressions counted since the campaign started. */
  readonly impressions: number;
  /** Clicks counted since the campaign started. */
  readonly clicks: number;
  /** Latest event time applied, epoch ms: the campaign's stream time. */
  readonly updatedAtMs: number;
  /** When aggregation produced this value (processing time), epoch ms. */
  readonly emittedAtMs: number;
}

/** A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not). */
export interface Impression {
  /** Event id of the bid request this impression belongs to. */
  readonly eventId: string;
  /** Id of this impression: derived from the event id and the imp id, so that two winning imps of one request stay two impressions. Empty in records written before it existed (read it as eventId + impId). */
  readonly impressionId: string;
  /** OpenRTB request id. */
  readonly requestId: string;
  /** Id of the impression slot within the request. */
  readonly impId: string;
  /** Pseudonymous user key (the Kafka message key). PII: indirect. */
  readonly userKey: string;
  /** Campaign of the served ad. */
  readonly campaignId: string;
  /** Served ad. */
  readonly adId: string;
  /** Served creative. */
  readonly creativeId: string;
  /** Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back. PII: indirect. */
  readonly trackingToken: string;
  /** How the campaign pays: CPM impressions are charged here, CPC ones on click. */
  readonly bidType: BidType;
  /** Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click. */
  readonly priceMicros: number;
  /** What a click on this impression costs in micros for CPC ads; 0 for CPM ads. */
  readonly clickPriceMicros: number;
  /** Predicted click-through rate at auction time, for calibration (observed vs predicted CTR). */
  readonly pctr: number;
  /** When the impression was served, epoch ms (event time). */
  readonly eventTimeMs: number;
  /** Version of the pCTR model that predicted pctr (the auction's modelVersion), for calibration per model version; null when no model ran or in records that predate the field. */
  readonly modelVersion: string | null;
  /** Served for a test request (OpenRTB test = 1): tracked and traced, never counted as spend or in ROAS. False in records written before it was added. */
  readonly test: boolean;
  /** The creative as served: the ad's HTML (banner, native) or VAST (video) template filled with this impression's tracking URLs. Empty in records written before it was added. */
  readonly markup: string;
  /** Impression pixel URL: the tracker's /imp endpoint with the signed tracking token. Empty in records written before it was added. PII: indirect. */
  readonly impressionUrl: string;
  /** Click URL: the tracker's /click endpoint with the signed tracking token, redirecting to the ad's landing page. Empty in records written before it was added. PII: indirect. */
  readonly clickUrl: string;
}

/** A bid request with the profile of its user, produced by profiling for the auction. */
export interface ProfiledRequest {
  /** The normalized request as ingest produced it; request.eventId is this event's id. */
  readonly request: BidRequest;
  /** What profiling knows about the user of the request. */
  readonly profile: UserProfile;
  /** When profiling finished, epoch ms. */
  readonly profiledAtMs: number;
}

/** A user profile built by ads.build_user_profile from segments, interests and history. */
export interface UserProfile {
  /** Audience segment ids the user belongs to (from the compacted segments topic). PII: indirect. */
  readonly segments: readonly string[];
  /** Inferred interest categories (IAB audience taxonomy ids). PII: indirect. */
  readonly interests: readonly string[];
  /** Inferred age bracket. PII: indirect. */
  readonly ageBracket: AgeBracket;
  /** Coarse region used for targeting (country-region, e.g. USA-CA), derived from device.geo. */
  readonly geoRegion: string | null;
  /** Interest embedding of the user, compared with ad embeddings by nearest-neighbour search; empty for an unknown user. PII: indirect. */
  readonly embedding: readonly number[];
  /** Whether the profile came from the partition-local profile cache rather than being built. */
  readonly cacheHit: boolean;
}

/** An OpenRTB 2.6 bid request as an upstream producer writes it to adtrace.bid-requests.raw in Avro: what an exchange can send (no user key, no event id; ingest derives both). Field names, nesting and OpenRTB's 0/1 integers follow the JSON, so that ingest validates Avro and JSON requests with one set of rules. Holds raw personal data until ingest reduces it. */
export interface RawBidRequest {
  /** OpenRTB request id chosen by the exchange; also the Kafka message key, so retries of one request meet in one partition. */
  readonly id: string;
  /** Impressions offered, at least one, ids unique within the request. */
  readonly imp: readonly RawImp[];
  /** The website, when the ad is shown on a site; at most one of site, app, dooh. */
  readonly site: RawSite | null;
  /** The application, when the ad is shown in an app. */
  readonly app: RawApp | null;
  /** The digital out-of-home screen, when the ad is shown on one. */
  readonly dooh: RawDooh | null;
  /** The device, with its raw identifiers. */
  readonly device: RawDevice | null;
  /** The user, with raw identifiers. */
  readonly user: RawUser | null;
  /** Privacy regulations that apply to the request. */
  readonly regs: RawRegs | null;
  /** Auction type: 1 first price, 2 second price (the default when null). */
  readonly at: number | null;
  /** Time the exchange allows for the bid, in ms. */
  readonly tmax: number | null;
  /** 1 for a test request that must never count as spend. */
  readonly test: number | null;
  /** Currencies allowed for bids (ISO-4217). */
  readonly cur: readonly string[];
  /** Blocked advertiser categories. */
  readonly bcat: readonly string[];
  /** Blocked advertiser domains. */
  readonly badv: readonly string[];
}

/** One impression opportunity (OpenRTB imp); at least one of banner, video, audio, native. */
export interface RawImp {
  /** Impression id, unique within the request. */
  readonly id: string;
  /** Banner placement, when the impression accepts banners. */
  readonly banner: RawBanner | null;
  /** Video placement, when the impression accepts video. */
  readonly video: RawVideo | null;
  /** Audio placement, when the impression accepts audio. */
  readonly audio: RawAudio | null;
  /** Native placement, when the impression accepts native ads. */
  readonly native: RawNative | null;
  /** Minimum bid as a CPM in bidfloorcur; 0 when absent. */
  readonly bidfloor: number | null;
  /** ISO-4217 currency of the floor; USD when absent. */
  readonly bidfloorcur: string | null;
  /** Placement or ad tag id on the publisher side. */
  readonly tagid: string | null;
}

/** A banner placement (OpenRTB imp.banner): a size in w/h or a list of formats. */
export interface RawBanner {
  /** Accepted sizes, preferred first. */
  readonly format: readonly RawFormat[];
  /** Exact width when format is absent. */
  readonly w: number | null;
  /** Exact height when format is absent. */
  readonly h: number | null;
  /** Ad position on screen (OpenRTB list 'Placement Positions'). */
  readonly pos: number | null;
}

/** One accepted banner size (OpenRTB banner.format). */
export interface RawFormat {
  /** Width in device-independent pixels. */
  readonly w: number | null;
  /** Height in device-independent pixels. */
  readonly h: number | null;
}

/** A video placement (OpenRTB imp.video); offers video only with mimes. */
export interface RawVideo {
  /** Accepted content MIME types. */
  readonly mimes: readonly string[];
  /** Minimum ad duration in seconds. */
  readonly minduration: number | null;
  /** Maximum ad duration in seconds. */
  readonly maxduration: number | null;
  /** Player width in device-independent pixels. */
  readonly w: number | null;
  /** Player height in device-independent pixels. */
  readonly h: number | null;
  /** Supported video protocols. */
  readonly protocols: readonly number[];
  /** Video placement subtype (OpenRTB 2.6 plcmt). */
  readonly plcmt: number | null;
}

/** An audio placement (OpenRTB imp.audio). */
export interface RawAudio {
  /** Accepted content MIME types. */
  readonly mimes: readonly string[];
  /** Minimum ad duration in seconds. */
  readonly minduration: number | null;
  /** Maximum ad duration in seconds. */
  readonly maxduration: number | null;
}

/** A native placement (OpenRTB imp.native). */
export interface RawNative {
  /** The Native Ads request, a JSON string as OpenRTB 2.6 sends it. */
  readonly request: string | null;
  /** Version of the Native Ads specification of request. */
  readonly ver: string | null;
}

/** A website (OpenRTB site). */
export interface RawSite {
  /** Exchange-specific site id. */
  readonly id: string | null;
  /** Site domain. */
  readonly domain: string | null;
  /** URL of the page; can identify a person through path or query. PII: indirect. */
  readonly page: string | null;
  /** Referrer URL; can identify a person through path or query. PII: indirect. */
  readonly ref: string | null;
  /** IAB content categories of the site. */
  readonly cat: readonly string[];
  /** The publisher of the site. */
  readonly publisher: RawPublisher | null;
}

/** A publisher (OpenRTB publisher). */
export interface RawPublisher {
  /** Exchange-specific publisher id. */
  readonly id: string | null;
}

/** A mobile or CTV application (OpenRTB app). */
export interface RawApp {
  /** Exchange-specific app id. */
  readonly id: string | null;
  /** Store bundle or package name. */
  readonly bundle: string | null;
  /** App domain. */
  readonly domain: string | null;
  /** IAB content categories of the app. */
  readonly cat: readonly string[];
  /** The publisher of the app. */
  readonly publisher: RawPublisher | null;
}

/** A digital out-of-home placement (OpenRTB 2.6 dooh). */
export interface RawDooh {
  /** Exchange-specific DOOH placement id. */
  readonly id: string | null;
  /** Venue types. */
  readonly venuetype: readonly string[];
  /** Domain of the DOOH owner. */
  readonly domain: string | null;
  /** The publisher of the screen. */
  readonly publisher: RawPublisher | null;
}

/** A device (OpenRTB device) before PII reduction. */
export interface RawDevice {
  /** User agent. PII: indirect. */
  readonly ua: string | null;
  /** Full IPv4 address. PII: direct. */
  readonly ip: string | null;
  /** Full IPv6 address. PII: direct. */
  readonly ipv6: string | null;
  /** Device location, exact. */
  readonly geo: RawGeo | null;
  /** Operating system. */
  readonly os: string | null;
  /** OpenRTB device type (list 'Device Types'). */
  readonly devicetype: number | null;
  /** Advertising id of the device. PII: direct. */
  readonly ifa: string | null;
}

/** A location (OpenRTB geo) before reduction. */
export interface RawGeo {
  /** Exact latitude. PII: direct. */
  readonly lat: number | null;
  /** Exact longitude. PII: direct. */
  readonly lon: number | null;
  /** Country, ISO-3166-1 alpha-3. */
  readonly country: string | null;
  /** Region, ISO-3166-2 subdivision code. */
  readonly region: string | null;
  /** City name. PII: indirect. */
  readonly city: string | null;
  /** Postal code. PII: indirect. */
  readonly zip: string | null;
  /** Metro (DMA) code. PII: indirect. */
  readonly metro: string | null;
}

/** The user (OpenRTB user) before PII reduction. */
export interface RawUser {
  /** Exchange-specific user id. PII: direct. */
  readonly id: string | null;
  /** Buyer-specific user id. PII: direct. */
  readonly buyeruid: string | null;
  /** Year of birth. PII: indirect. */
  readonly yob: number | null;
  /** Gender, M, F or O. PII: indirect. */
  readonly gender: string | null;
  /** IAB TCF v2 consent string. PII: indirect. */
  readonly consent: string | null;
}

/** Privacy signals (OpenRTB 2.6 regs), 0/1 integers as in the JSON. */
export interface RawRegs {
  /** 1 when COPPA applies. */
  readonly coppa: number | null;
  /** 1 when GDPR applies, 0 when not, null when unknown. */
  readonly gdpr: number | null;
  /** IAB CCPA US Privacy string. */
  readonly us_privacy: string | null;
  /** IAB Global Privacy Platform string. PII: indirect. */
  readonly gpp: string | null;
  /** GPP section ids that apply. */
  readonly gpp_sid: readonly number[];
}

/** Totals of one campaign over one event-time tumbling window. Restatable: a later revision of the same (campaignId, windowStartMs) replaces earlier ones. */
export interface RoasWindow {
  /** Campaign (the Kafka message key). */
  readonly campaignId: string;
  /** Window start, inclusive, epoch ms. */
  readonly windowStartMs: number;
  /** Window end, exclusive, epoch ms. */
  readonly windowEndMs: number;
  /** Impressions in the window. */
  readonly impressions: number;
  /** Clicks in the window. */
  readonly clicks: number;
  /** Attributed conversions in the window. */
  readonly conversions: number;
  /** Spend in micros. */
  readonly spendMicros: number;
  /** Attributed conversion value in micros. */
  readonly revenueMicros: number;
  /** Revenue / spend; null while spend is 0. */
  readonly roas: number | null;
  /** Clicks / impressions; null without impressions. */
  readonly observedCtr: number | null;
  /** Mean pCTR over the window's impressions; null without impressions. Calibration = predictedCtr / observedCtr (1.0 is perfect). */
  readonly predictedCtr: number | null;
  /** Watermark when emitted: the numbers include every event with event time before this, epoch ms. */
  readonly completeThroughMs: number;
  /** True once the watermark passed window end plus allowed lateness: no more restatements, except from replays. */
  readonly final: boolean;
  /** 0 for the first emission of the window, then +1 per restatement. */
  readonly revision: number;
  /** When aggregation emitted this revision, epoch ms. */
  readonly emittedAtMs: number;
  /** Rebuild generation that computed this revision: a rebuild from the attributed events writes generation + 1, and a consumer switches to it once it has caught up; revisions compare within one generation. */
  readonly generation: number;
  /** ISO-4217 currency of spendMicros and revenueMicros: always USD, the pipeline's one currency. */
  readonly currency: string;
  /** Events of this window that arrived after its grace ended: not in the totals (sent to adtrace.late-events); the window stays final. */
  readonly lateDropped: number;
  /** Conversions in the window attributed to a click (conversions = clickThrough + viewThrough). */
  readonly clickThroughConversions: number;
  /** Conversions in the window attributed to an impression without a click. */
  readonly viewThroughConversions: number;
  /** Value of the click-through conversions in micros (USD). */
  readonly clickThroughRevenueMicros: number;
  /** Value of the view-through conversions in micros (USD). */
  readonly viewThroughRevenueMicros: number;
}

/** A click or conversion reported by a tracker, before verification and attribution. */
export interface UserEvent {
  /** Id of this click or conversion, set by the tracker; conversions are de-duplicated on it (first wins). */
  readonly eventId: string;
  /** Click or conversion. */
  readonly kind: UserEventKind;
  /** The token of the impression (click) or of the click/impression to attribute to (conversion), as the tracker received it; unverified. PII: indirect. */
  readonly trackingToken: string;
  /** Conversion value in micros; null for clicks. */
  readonly valueMicros: number | null;
  /** ISO-4217 currency of valueMicros. */
  readonly currency: string;
  /** When the click or conversion happened, epoch ms (event time). */
  readonly eventTimeMs: number;
  /** When the tracker received it, epoch ms. */
  readonly receivedAtMs: number;
}

/** Kinds of user event a tracker reports. */
export type UserEventKind = 'CLICK' | 'CONVERSION';

/** The symbols of UserEventKind, in schema order. */
export const UserEventKindSymbols = ['CLICK', 'CONVERSION'] as const;

/** The audience segments of one user, as the segment builder last computed them (compacted topic, latest per user key; a null value removes the user). */
export interface UserSegments {
  /** Pseudonymous user key (the Kafka message key). PII: indirect. */
  readonly userKey: string;
  /** Segment ids the user belongs to. PII: indirect. */
  readonly segments: readonly string[];
  /** Interest categories the builder inferred. PII: indirect. */
  readonly interests: readonly string[];
  /** Inferred age bracket. PII: indirect. */
  readonly ageBracket: AgeBracket;
  /** Interest embedding of the user. PII: indirect. */
  readonly embedding: readonly number[];
  /** Version of the segment build that produced this record; profiling ignores older versions. */
  readonly builderVersion: number;
  /** When the build published this record, epoch ms. */
  readonly updatedAtMs: number;
}

/** The record types that travel on topics, by record name. */
export interface RecordTypes {
  readonly Alert: Alert;
  readonly AttributedEvent: AttributedEvent;
  readonly AuctionOutcome: AuctionOutcome;
  readonly BidRequest: BidRequest;
  readonly Campaign: Campaign;
  readonly CampaignSpend: CampaignSpend;
  readonly Impression: Impression;
  readonly ProfiledRequest: ProfiledRequest;
  readonly RawBidRequest: RawBidRequest;
  readonly RoasWindow: RoasWindow;
  readonly UserEvent: UserEvent;
  readonly UserSegments: UserSegments;
}

export type RecordName = keyof RecordTypes;

/** Record names as values, so that code names a record without writing a string literal. */
export const RecordNames = {
  Alert: 'Alert',
  AttributedEvent: 'AttributedEvent',
  AuctionOutcome: 'AuctionOutcome',
  BidRequest: 'BidRequest',
  Campaign: 'Campaign',
  CampaignSpend: 'CampaignSpend',
  Impression: 'Impression',
  ProfiledRequest: 'ProfiledRequest',
  RawBidRequest: 'RawBidRequest',
  RoasWindow: 'RoasWindow',
  UserEvent: 'UserEvent',
  UserSegments: 'UserSegments',
} as const satisfies { readonly [N in RecordName]: N };
