export { type AuctionOptions, createAuction } from './auction-hop.ts';
export {
  AuctionAttr,
  type DecisionSpans,
  decisionSpans,
  epochTimes,
  traceDecision,
} from './auction-spans.ts';
export { capLookup, recordServed } from './caps.ts';
export { type Catalog, createCatalog } from './catalog.ts';
export { type AuctionConfig, type AuctionEnv, type AuctionTopics, readEnv, toConfig } from './config.ts';
