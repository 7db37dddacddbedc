export { placementOf, platformOf } from '@adtrace/ads';
export { type IngestConfig, type IngestEnv, readEnv, toConfig } from './config.ts';
export { createRawDecoder, type RawInput } from './decode-raw.ts';
export { createIngest, type IngestOptions, type IngestTopics } from './ingest-hop.ts';
export { IngestAttr, PiiAttr } from './serve-attributes.ts';
