export { createAttribute } from './attribute-hop.ts';
export {
  REKEYED_TOPIC,
  readEnv,
  type TrackingConfig,
  type TrackingEnv,
  type TrackingTopics,
  toConfig,
} from './config.ts';
export { createUserEventDecoder, type RawUserEvent } from './decode-user-event.ts';
export { createRekey, type StageOptions } from './rekey-hop.ts';
export { TrackingAttr, traceparentOf } from './tracking-attributes.ts';
export { combineHops, createTracking } from './tracking-service.ts';
