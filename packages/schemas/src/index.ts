// @adtrace/schemas: record types generated from schemas/*.avsc, topic names, codecs, and
// OpenRTB JSON validation. Named exports only; index.test.ts checks every generated type is here.

export { canonicalForm } from './avro/canonical-form.ts';
export type { CompatibilityIssue } from './avro/compatibility.ts';
export { checkCompatibility } from './avro/compatibility.ts';
export { fingerprintBytes, rabinFingerprint64 } from './avro/rabin.ts';
export type { FieldJson, SchemaJson, SchemaObject } from './avro/schema-json.ts';
export { CodecError, type CodecErrorCode, isCodecError } from './codec/codec-error.ts';
export type { WireFormat } from './codec/framing.ts';
export { createHttpSchemaRegistry, type HttpSchemaRegistryOptions } from './codec/http-schema-registry.ts';
export {
  createCodec,
  type OpenCodecOptions,
  openCodec,
  openTopicCodec,
  type RecordCodecOptions,
} from './codec/record-codecs.ts';
export {
  type Codec,
  type CodecOptions,
  createRegistrySchemaCodec,
  createSchemaCodec,
  DEFAULT_MAX_BYTES,
  type RegistryCodecOptions,
} from './codec/schema-codec.ts';
export { InMemorySchemaRegistry, type SchemaRegistry } from './codec/schema-registry.ts';
export { currentSchemas, schemaHistory } from './generated/schemas.ts';
export {
  type Ad,
  type AgeBracket,
  AgeBracketSymbols,
  type Alert,
  type AlertKind,
  AlertKindSymbols,
  type AlertSeverity,
  AlertSeveritySymbols,
  type App,
  type AttributedEvent,
  type AttributedEventKind,
  AttributedEventKindSymbols,
  type AttributionTouch,
  AttributionTouchSymbols,
  type AuctionOutcome,
  type AuctionOutcomeKind,
  AuctionOutcomeKindSymbols,
  type AuctionWin,
  type Audio,
  type Banner,
  type BidRequest,
  type BidType,
  BidTypeSymbols,
  type Budget,
  type Campaign,
  type Creative,
  type CreativeFormat,
  CreativeFormatSymbols,
  type Device,
  type Dooh,
  type Format,
  type FrequencyCap,
  type Geo,
  type Imp,
  type Impression,
  type Native,
  type NoFill,
  type NoFillReason,
  NoFillReasonSymbols,
  type PolicyFlag,
  PolicyFlagSymbols,
  type ProfiledRequest,
  type RawApp,
  type RawAudio,
  type RawBanner,
  type RawBidRequest,
  type RawDevice,
  type RawDooh,
  type RawFormat,
  type RawGeo,
  type RawImp,
  type RawNative,
  type RawPublisher,
  type RawRegs,
  type RawSite,
  type RawUser,
  type RawVideo,
  type RecordName,
  RecordNames,
  type RecordTypes,
  type Regs,
  type RoasWindow,
  type RunnerUp,
  type Site,
  type Targeting,
  type UserEvent,
  type UserEventKind,
  UserEventKindSymbols,
  type UserProfile,
  type UserSegments,
  type Video,
} from './generated/types.ts';
export { PII_LEVELS, type PiiField, type PiiLevel, piiFields } from './governance/pii-fields.ts';
export type {
  OpenRtbApp,
  OpenRtbBanner,
  OpenRtbDevice,
  OpenRtbDooh,
  OpenRtbFormat,
  OpenRtbGeo,
  OpenRtbImp,
  OpenRtbPublisher,
  OpenRtbRegs,
  OpenRtbRequest,
  OpenRtbSite,
  OpenRtbUser,
  OpenRtbVideo,
} from './openrtb/openrtb-request.ts';
export {
  DEFAULT_OPENRTB_MAX_BYTES,
  type ParseOpenRtbOptions,
  parseOpenRtbBidRequest,
  validateOpenRtbBidRequest,
} from './openrtb/parse-bid-request.ts';
export {
  MAX_ISSUES,
  ValidationError,
  type ValidationErrorCode,
  type ValidationIssue,
  type ValidationRule,
} from './openrtb/validation-error.ts';
export {
  type AvroTopic,
  RAW_TOPICS,
  recordNameOf,
  type TopicName,
  type TopicRecord,
  type TopicSpec,
  Topics,
  topicRecords,
  topicSpecs,
  USER_KEYED_PARTITIONS,
} from './topics.ts';
