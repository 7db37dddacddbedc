export { type DeliveryConfig, type DeliveryEnv, readEnv, toConfig } from './config.ts';
export { DeliveryAttr, servedAttributes, traceparentOf } from './creative-attributes.ts';
export { createDelivery, type DeliveryOptions, type DeliveryTopics } from './delivery-hop.ts';
export { prices, type Served, type ServeOptions, serveImpression } from './serve-impression.ts';
export { LOCAL_KEY_ID, parseTokenKeys } from './token-keys.ts';
